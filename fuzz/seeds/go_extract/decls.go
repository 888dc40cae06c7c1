//go:build linux && !arm

package store

import (
	"fmt"
	"sync"
)

// Store keeps things.
type Store interface {
	// Add adds.
	Add(obj interface{}) error
	List() []interface{}
	fmt.Stringer
}

type Phase string

type Alias = map[string]int

type (
	groupedA struct{ sync.Mutex }
	groupedB int
)

const Single = 1

const (
	First Phase = "first"
	Second, Third = 2, 3
	iotaA = iota
)

var defaultResync = 30

var (
	errA, errB = fmt.Errorf("a"), fmt.Errorf("b")
)

/* New makes
   a store. */
func New() Store {
	const local = 1
	type localType struct{}
	var v = func() { helper() }
	_ = v
	return nil
}
