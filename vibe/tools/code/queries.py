"""Where each language defines things: tree-sitter queries, one set per grammar.

Every pattern captures the whole definition as `@definition.<kind>` and its name as `@name`
(and, where the definition's lines start before it, the node they start at as `@start`),
or (C and C++, whose names sit at the end of a chain of declarators) the declarator as
`@declarator`, from which the name is dug out. When several patterns match one node, the first
listed wins, so specific patterns (a Go struct) come before general ones (any Go type).
Kinds: class, struct, interface, trait, enum, impl, type, module, function, method, macro,
constant, variable. A function nested in a class-like symbol is shown as a method.
"""

from __future__ import annotations

# Every kind a definition query names, for the tools' `kind` argument.
KINDS = (
    "class",
    "struct",
    "interface",
    "trait",
    "enum",
    "impl",
    "type",
    "module",
    "function",
    "method",
    "macro",
    "constant",
    "variable",
)

# A decorated definition's lines start at its first decorator (`@start`).
_PYTHON = """
(decorated_definition definition: (class_definition name: (identifier) @name) @definition.class) @start
(decorated_definition definition: (function_definition name: (identifier) @name) @definition.function)
  @start
(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function
(module (expression_statement (assignment left: (identifier) @name) @definition.variable))
"""

# Shared by JavaScript and TypeScript; a function stored in a variable is a function.
_ECMASCRIPT = """
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(method_definition name: (_) @name) @definition.method
(lexical_declaration
  (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)])
) @definition.function
(variable_declaration
  (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)])
) @definition.function
(program (lexical_declaration (variable_declarator name: (identifier) @name)) @definition.variable)
(program (export_statement (lexical_declaration (variable_declarator name: (identifier) @name))
  @definition.variable))
"""

_JAVASCRIPT = (
    """
(class_declaration name: (identifier) @name) @definition.class
"""
    + _ECMASCRIPT
)

_TYPESCRIPT = (
    """
(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(function_signature name: (identifier) @name) @definition.function
(method_signature name: (_) @name) @definition.method
(abstract_method_signature name: (_) @name) @definition.method
(internal_module name: (_) @name) @definition.module
(module name: (_) @name) @definition.module
"""
    + _ECMASCRIPT
)

_GO = """
(function_declaration name: (identifier) @name) @definition.function
(method_declaration name: (field_identifier) @name) @definition.method
(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec name: (type_identifier) @name) @definition.type
(type_alias name: (type_identifier) @name) @definition.type
(method_elem name: (field_identifier) @name) @definition.method
(source_file (const_declaration (const_spec name: (identifier) @name) @definition.constant))
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.variable))
"""

_RUST = """
(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(trait_item name: (type_identifier) @name) @definition.trait
(impl_item type: [
  (type_identifier) @name
  (generic_type type: (type_identifier) @name)
  (scoped_type_identifier name: (type_identifier) @name)
]) @definition.impl
(type_item name: (type_identifier) @name) @definition.type
(mod_item name: (identifier) @name) @definition.module
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.function
(macro_definition name: (identifier) @name) @definition.macro
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.constant
"""

_JAVA = """
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method
"""

# Declarations and definitions alike: a header's outline is its prototypes.
_C_FAMILY = """
(function_definition declarator: (_) @declarator) @definition.function
(declaration declarator: (function_declarator) @declarator) @definition.function
(declaration declarator: (pointer_declarator declarator: (function_declarator)) @declarator)
  @definition.function
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(type_definition declarator: (type_identifier) @name) @definition.type
(preproc_def name: (identifier) @name) @definition.macro
(preproc_function_def name: (identifier) @name) @definition.macro
"""

_C = _C_FAMILY

_CPP = (
    """
(class_specifier name: (type_identifier) @name body: (_)) @definition.class
(namespace_definition name: (namespace_identifier) @name) @definition.module
(field_declaration declarator: (function_declarator) @declarator) @definition.method
(alias_declaration name: (type_identifier) @name) @definition.type
"""
    + _C_FAMILY
)

DEFINITIONS = {
    "python": _PYTHON,
    "javascript": _JAVASCRIPT,
    "typescript": _TYPESCRIPT,
    "tsx": _TYPESCRIPT,
    "go": _GO,
    "rust": _RUST,
    "java": _JAVA,
    "c": _C,
    "cpp": _CPP,
}
