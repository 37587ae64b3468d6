//! The benchmark company: 1,000 items of mixed costing methods (a few of them serial-tracked
//! Specific items) at three locations, built in code so that the benchmark reads no files.

use rust_decimal::Decimal;

use stockpost::config::{CompanyConfig, CostingMethod, Item, Location};

use super::rng::Rng;

/// Location codes; the first one carries most of the traffic.
pub const LOCATIONS: [&str; 3] = ["MAIN", "EAST", "WEST"];

/// Every `SERIAL_EVERY`-th item is a serial-tracked Specific item.
const SERIAL_EVERY: usize = 50;

/// What the generator needs to know about an item.
#[derive(Debug, Clone)]
pub struct ItemSpec {
    pub no: String,
    pub costing_method: CostingMethod,
    /// Typical direct unit cost, in cents; purchases vary around it.
    pub base_cost_cents: i64,
    pub serial_tracked: bool,
}

/// The item cards, deterministic for a seed. Methods rotate FIFO, LIFO, Average, Standard.
pub fn item_specs(count: usize, rng: &mut Rng) -> Vec<ItemSpec> {
    const ROTATION: [CostingMethod; 4] = [
        CostingMethod::Fifo,
        CostingMethod::Lifo,
        CostingMethod::Average,
        CostingMethod::Standard,
    ];
    (0..count)
        .map(|index| {
            let serial_tracked = index % SERIAL_EVERY == SERIAL_EVERY - 1;
            ItemSpec {
                no: format!("IT{:05}", index + 1),
                costing_method: if serial_tracked {
                    CostingMethod::Specific
                } else {
                    ROTATION[index % ROTATION.len()]
                },
                base_cost_cents: rng.range(100, 50_000) as i64,
                serial_tracked,
            }
        })
        .collect()
}

/// The company configuration for the item specs: default setup (automatic cost posting on,
/// negative inventory allowed, no automatic cost adjustment), blank posting groups.
pub fn company(specs: &[ItemSpec]) -> CompanyConfig {
    let mut config = CompanyConfig::empty("Benchmark AG");
    config.currency = "CHF".to_string();
    config.inventory_setup.automatic_cost_posting = true;
    config.items = specs.iter().enumerate().map(item_card).collect();
    config.locations = LOCATIONS.iter().map(|code| Location::new(code)).collect();
    config
}

fn item_card((index, spec): (usize, &ItemSpec)) -> Item {
    let mut item = Item::new(&spec.no, spec.costing_method);
    item.description = format!("Benchmark item {}", index + 1);
    item.inventory_posting_group = if index % 3 == 0 { "RAW" } else { "RESALE" }.to_string();
    item.gen_prod_posting_group = "RETAIL".to_string();
    item.serial_tracked = spec.serial_tracked;
    let base = Decimal::new(spec.base_cost_cents, 2);
    item.unit_cost = base;
    if spec.costing_method == CostingMethod::Standard {
        item.standard_cost = base;
    }
    // A few items carry overhead, so that indirect-cost value entries appear too.
    if index % 10 == 0 {
        item.indirect_cost_percent = Decimal::new(5, 0);
    }
    item
}
