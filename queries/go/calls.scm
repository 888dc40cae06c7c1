; Call sites inside a declaration: `f(...)` and `x.f(...)`. Names only: which declaration a
; call reaches is not known without type checking, so "calls next" is syntactic.
(call_expression
  function: (identifier) @reference.call)

(call_expression
  function: (selector_expression
    field: (field_identifier) @reference.call))
