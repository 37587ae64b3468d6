//! The sandboxed Rhai engine that runs account rules.
//!
//! Rules get the standard library (strings, maps, arrays, decimal arithmetic) and nothing that
//! reaches outside: no module resolver (and `import` disabled), no `eval`, no clock (`no_time`
//! feature), no `print` output. Every resource limit is set explicitly from [`RuleLimits`],
//! because Rhai's defaults differ between debug and release builds (call levels are 8 in debug
//! and 64 in release) and some are unlimited (operations).

use rhai::packages::{Package, StandardPackage};
use rhai::Engine;

/// Resource limits of one rule evaluation. The same values apply in debug and release builds.
///
/// Zero means "unlimited" to Rhai, so the engine builder raises any zero to one: a limit can be
/// made tight, never switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleLimits {
    /// Abstract operations per rule call (Rhai counts statements, expressions, loop turns).
    /// A mapping rule uses a few hundred; a loop that never ends stops here.
    pub max_operations: u64,
    /// Nested function calls; unbounded recursion stops here ("stack overflow").
    pub max_call_levels: usize,
    /// Nesting depth of expressions at top level and inside functions (checked at compile time).
    pub max_expression_depth: usize,
    pub max_function_expression_depth: usize,
    /// Bytes in one string.
    pub max_string_size: usize,
    /// Elements in one array.
    pub max_array_size: usize,
    /// Properties in one object map.
    pub max_map_size: usize,
    /// Variables alive at any time.
    pub max_variables: usize,
    /// Script functions defined in one rule file.
    pub max_functions: usize,
    /// Bytes in one rule file; larger files are refused before compiling.
    pub max_file_size: usize,
}

impl RuleLimits {
    /// The limits every rule set runs with unless a caller chooses others.
    pub const DEFAULT: RuleLimits = RuleLimits {
        max_operations: 100_000,
        max_call_levels: 32,
        max_expression_depth: 64,
        max_function_expression_depth: 64,
        max_string_size: 4_096,
        max_array_size: 1_024,
        max_map_size: 256,
        max_variables: 256,
        max_functions: 256,
        max_file_size: 256 * 1024,
    };
}

impl Default for RuleLimits {
    fn default() -> Self {
        RuleLimits::DEFAULT
    }
}

/// Builds the sandboxed engine. One engine serves one rule-set generation.
pub fn build_engine(limits: &RuleLimits) -> Engine {
    // `new_raw` has no module resolver and no print/debug output; add only the standard library.
    let mut engine = Engine::new_raw();
    engine.register_global_module(StandardPackage::new().as_shared_module());
    engine.disable_symbol("eval");
    engine.disable_symbol("import");
    engine.set_strict_variables(true);
    engine.set_max_operations(limits.max_operations.max(1));
    engine.set_max_call_levels(limits.max_call_levels.max(1));
    engine.set_max_expr_depths(
        limits.max_expression_depth.max(1),
        limits.max_function_expression_depth.max(1),
    );
    engine.set_max_string_size(limits.max_string_size.max(1));
    engine.set_max_array_size(limits.max_array_size.max(1));
    engine.set_max_map_size(limits.max_map_size.max(1));
    engine.set_max_variables(limits.max_variables.max(1));
    engine.set_max_functions(limits.max_functions.max(1));
    engine.set_max_modules(0);
    engine
}
