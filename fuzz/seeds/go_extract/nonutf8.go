package x

// caféÿ
func After() {}

var s = "Ã("
