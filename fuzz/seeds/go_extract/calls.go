package run

func (s *S) Run(stop <-chan struct{}) {
	go s.loop()
	defer close(ch)
	x := wait.Until(func() { s.tick() }, 0, stop)
	_ = pkg.New[int](x).Do().Then(f)
	fn := map[string]func(){"a": helper}
	fn["a"]()
	(s.f)()
	s.handlers[0](1, 2)
}
