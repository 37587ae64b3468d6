//! The sandboxed Rhai engine that runs account rules.
//!
//! Rules get the standard library (strings, maps, arrays, decimal arithmetic) and nothing that
//! reaches outside: no module resolver (and `import` disabled), no `eval`, no clock (`no_time`
//! feature), no `print` output. Every resource limit is set explicitly from [`RuleLimits`],
//! because Rhai's defaults differ between debug and release builds (call levels are 8 in debug
//! and 64 in release) and some are unlimited (operations).

use std::cell::RefCell;
use std::time::{Duration, Instant};

use rhai::packages::{Package, StandardPackage};
use rhai::{Dynamic, Engine};

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
    /// `.rhai` files in one rule set.
    pub max_files: usize,
    /// Bytes of all `.rhai` files of one rule set together.
    pub max_rule_set_size: usize,
    /// Wall time of one rule evaluation, in milliseconds: a backstop for single operations that
    /// are expensive (a native sort of a large array is one operation). The operation budget
    /// normally stops a rule first, and does so deterministically.
    pub max_wall_time_ms: u64,
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
        max_files: 64,
        max_rule_set_size: 1024 * 1024,
        max_wall_time_ms: 1_000,
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
    // Rhai's own operation count starts afresh in every closure a native function calls (the
    // comparator of `sort`, the mapper of `map` ...), and `sort`/`dedup` take a comparator that
    // failed as "equal" and carry on. The budget below counts every operation of the whole
    // evaluation on its own, and once spent stops every further one, so the evaluation ends
    // within a few operations and [`run_within_budget`] reports it even when a native function
    // swallowed the error.
    engine.on_progress(|_| {
        BUDGET.with(|budget| {
            let mut budget = budget.borrow_mut();
            let budget = budget.as_mut()?;
            budget.spend().then(|| Dynamic::from(BUDGET_SPENT))
        })
    });
    engine
}

/// The token a terminated evaluation carries.
pub(crate) const BUDGET_SPENT: &str = "stockpost: rule budget spent";

/// What ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetExceeded {
    /// More than `max_operations`, closures and nested calls included.
    Operations { limit: u64 },
    /// Longer than `max_wall_time_ms`.
    WallTime { limit_ms: u64 },
}

impl BudgetExceeded {
    pub fn describe(&self) -> String {
        match self {
            BudgetExceeded::Operations { limit } => format!(
                "the rule exceeded its budget of {limit} operations for one evaluation \
                 (closures passed to sort, map, filter ... and nested calls count too; a loop \
                 that never ends?)"
            ),
            BudgetExceeded::WallTime { limit_ms } => {
                format!("the rule ran longer than its budget of {limit_ms} ms for one evaluation")
            }
        }
    }
}

/// The budget of the evaluation running on this thread.
struct Budget {
    operations: u64,
    max_operations: u64,
    started: Instant,
    max_wall_time: Duration,
    exceeded: Option<BudgetExceeded>,
}

impl Budget {
    /// Counts one operation; true when the budget is (or was already) spent.
    fn spend(&mut self) -> bool {
        if self.exceeded.is_some() {
            return true;
        }
        self.operations += 1;
        if self.operations > self.max_operations {
            self.exceeded = Some(BudgetExceeded::Operations {
                limit: self.max_operations,
            });
        } else if self.operations.is_multiple_of(256) && self.started.elapsed() > self.max_wall_time
        {
            self.exceeded = Some(BudgetExceeded::WallTime {
                limit_ms: self.max_wall_time.as_millis() as u64,
            });
        }
        self.exceeded.is_some()
    }
}

thread_local! {
    static BUDGET: RefCell<Option<Budget>> = const { RefCell::new(None) };
}

/// Runs one rule evaluation (`evaluate` calls the engine) under one budget covering everything
/// it runs. Returns the evaluation's own result, or what ran out: a spent budget wins over any
/// result, because a native function may have taken the stop for an ordinary answer.
pub fn run_within_budget<T>(
    limits: &RuleLimits,
    evaluate: impl FnOnce() -> T,
) -> Result<T, BudgetExceeded> {
    let budget = Budget {
        operations: 0,
        max_operations: limits.max_operations.max(1),
        started: Instant::now(),
        max_wall_time: Duration::from_millis(limits.max_wall_time_ms.max(1)),
        exceeded: None,
    };
    let outer = BUDGET.with(|slot| slot.borrow_mut().replace(budget));
    let result = evaluate();
    let spent = BUDGET.with(|slot| std::mem::replace(&mut *slot.borrow_mut(), outer));
    match spent.and_then(|budget| budget.exceeded) {
        Some(exceeded) => Err(exceeded),
        None => Ok(result),
    }
}
