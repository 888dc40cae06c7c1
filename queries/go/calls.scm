; Call sites inside a declaration. Names only: which declaration a call reaches is not known
; without type checking, so "calls next" is syntactic. A bare `f(...)` can only reach a
; function of the same package; `x.f(...)` a method, or a function of package `x` when `x`
; is a plain identifier.
(call_expression
  function: (identifier) @call.local)

(call_expression
  function: (selector_expression
    operand: (_) @call.operand
    field: (field_identifier) @call.selector))
