package s

var raw = `multi
line ` + "with \"escapes\" \u00e9 \x41" + 'r'

const r = '\''

// Comment with */ and /* inside.
func F(a ...int) (b, c int, err error) { return }

type Embed struct {
	*Base
	Field int `json:"field,omitempty"`
	f     func(int) (int, error)
	ch    chan<- []map[string]*T
}
