package x

func Good() {}

func Broken( {

type T struct { a int

func AlsoGood() int { return 1 }

var = 3
