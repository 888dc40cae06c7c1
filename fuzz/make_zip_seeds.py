#!/usr/bin/env python3
"""Writes the module_zip seeds (fuzz/seeds/module_zip/): small module zips of our own, laid
out as the go command writes them (every name under MODULE@VERSION/), plus hostile ones.
Rerun after changing a case; the output is deterministic."""
import io
import os
import zipfile

M = "example.com/m@v1.0.0/"
GO_MOD = b"""module example.com/m

go 1.22

require (
\tk8s.io/api v0.0.0
\tgithub.com/spf13/cobra v1.8.0 // indirect
\t"example.com/quoted" v1.2.3
)

replace (
\tk8s.io/api => ./staging/src/k8s.io/api/
\tgithub.com/old v1.0.0 => github.com/new v1.1.0
\texample.com/up => ../outside
)
replace k8s.io/sample => ./staging/src/k8s.io/sample
"""
GO = b"package m\n\n// Run runs.\nfunc (s *Server) Run(ctx context.Context) error { return nil }\n"


def write(name, entries, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for path, data in entries:
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data)
    with open(os.path.join(os.path.dirname(__file__), "seeds", "module_zip", name), "wb") as f:
        f.write(buf.getvalue())


write("monorepo.zip", [(M + "go.mod", GO_MOD), (M + "pkg/server/server.go", GO),
                       (M + "staging/src/k8s.io/api/core/v1/types.go", b"package v1\n")])
write("gopath-era.zip", [(M + "go.mod", b"module example.com/m\n"),
                         (M + "staging/src/k8s.io/client-go/cache/fifo.go", GO)])
write("stored.zip", [(M + "go.mod", b"module example.com/m\n"), (M + "a.go", GO)],
      zipfile.ZIP_STORED)
write("dotdot.zip", [(M + "../escape.go", GO)])
write("case-twins.zip", [(M + "Readme.go", GO), (M + "README.go", GO)])
write("outside-prefix.zip", [("example.com/other@v1.0.0/a.go", GO)])
write("folders.zip", [(M + "a/", b""), (M + "a/b/c.go", GO), (M + "a/d.go", GO)])
