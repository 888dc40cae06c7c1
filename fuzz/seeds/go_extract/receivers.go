package q

// Typed holds items.
type Typed[T comparable] struct{ items []T }

func (q Typed[T]) Len() int { return len(q.items) }

func (q *Typed[T]) Add(item T) {
	q.items = append(q.items, item)
}

func (m *Map[K, V]) Get(k K) V { var v V; return v }

func (p (*Paren)) Odd() {}

func (Value) Anonymous() {}
