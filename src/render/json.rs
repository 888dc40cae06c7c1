//! `guide.json`: the resolved model as documented in docs/guide-json.md.

use serde::Serialize;

use super::{OutFile, SiteInput};
use crate::guide::{ArticleGuide, Lang};

/// Version of the JSON layout; bumped on any incompatible change.
pub const GUIDE_JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    lang: Lang,
    articles: &'a [ArticleGuide],
}

pub fn write(out: &mut impl std::io::Write, input: &SiteInput<'_>) -> std::io::Result<()> {
    let doc = Document {
        version: GUIDE_JSON_VERSION,
        lang: input.lang,
        articles: input.guides,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
    writeln!(out)
}

pub fn site(input: &SiteInput<'_>) -> std::io::Result<Vec<OutFile>> {
    let mut bytes = Vec::new();
    write(&mut bytes, input)?;
    Ok(vec![("guide.json".to_string(), bytes)])
}
