; Top-level Go declarations, captured with the tags vocabulary.
; The stock tags query ignores receivers; ours captures the receiver type node and the Rust
; side strips `*`, parentheses and type parameters (see golang::extract::receiver_name).
; Declarations nested in function bodies are filtered out in Rust (they are not package members).

(function_declaration
  name: (identifier) @name) @definition.function

(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: (_) @receiver))
  name: (field_identifier) @name) @definition.method

(type_declaration
  (type_spec
    name: (type_identifier) @name
    type: (_) @type) @definition.type)

(type_declaration
  (type_alias
    name: (type_identifier) @name) @definition.alias)

(type_declaration
  (type_spec
    name: (type_identifier) @receiver
    type: (interface_type
      (method_elem
        name: (field_identifier) @name) @definition.interface_method)))

(const_spec
  name: (identifier) @name) @definition.constant

(var_spec
  name: (identifier) @name) @definition.var
