//! A deterministic generator of random posting histories for the cost adjustment property tests.
//!
//! Proptest generates abstract [`Step`]s (buy, invoice, sell, return, transfer, charge,
//! revalue...) whose numbers are *picks*, not entry numbers; [`build_history`] turns them into
//! journal lines against a scratch ledger, so every pick resolves to an entry that exists and is
//! in the right state (open quantity, serial on hand, not yet invoiced). A line the engine rejects
//! is dropped, so the history is always accepted. Shrinking removes steps, which keeps a failing
//! history short and meaningful.
#![allow(dead_code)]

use std::fmt;
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use stockpost::config::{
    AverageCostCalcType, AverageCostPeriod, CompanyConfig, CostingMethod, Item, Location,
};
use stockpost::journal::{
    Dimensions, JournalLine, JournalLineKind, LineCost, LineRef, RevaluationScope,
    RevaluationTarget,
};
use stockpost::ledger::{ItemLedgerEntry, ItemLedgerEntryType, Ledger};
use stockpost::posting::PostingContext;

/// Item numbers, one per costing method, plus a FIFO item with 10 % overhead.
pub const ITEMS: [(&str, CostingMethod); 6] = [
    ("FIFO", CostingMethod::Fifo),
    ("LIFO", CostingMethod::Lifo),
    ("AVG", CostingMethod::Average),
    ("STD", CostingMethod::Standard),
    ("SPEC", CostingMethod::Specific),
    ("OVH", CostingMethod::Fifo),
];
pub const LOCATIONS: [&str; 3] = ["BLUE", "RED", "GREEN"];

/// Company-level choices of one history.
#[derive(Debug, Clone, Copy)]
pub struct Setup {
    pub period: AverageCostPeriod,
    pub calc_type: AverageCostCalcType,
    pub expected_cost_posting: bool,
    pub automatic_cost_posting: bool,
    pub locations: usize,
}

/// What one generated step does; the `u8` fields are picks, taken modulo what exists.
#[derive(Debug, Clone)]
pub enum Op {
    Buy {
        item: u8,
        location: u8,
        quantity: u8,
        cost: u8,
        invoiced: bool,
    },
    InvoiceReceipt {
        pick: u8,
        quantity: u8,
        cost: u8,
    },
    Sell {
        item: u8,
        location: u8,
        quantity: u8,
        invoiced: bool,
        pick: u8,
    },
    InvoiceShipment {
        pick: u8,
        quantity: u8,
    },
    ReturnPurchase {
        pick: u8,
        quantity: u8,
        fixed: bool,
    },
    ReturnSale {
        pick: u8,
        quantity: u8,
        applies_from: bool,
    },
    Transfer {
        pick: u8,
        to: u8,
        quantity: u8,
    },
    Charge {
        pick: u8,
        spread: bool,
        cents: u16,
    },
    Revalue {
        pick: u8,
        cost: u8,
        applies_to: bool,
    },
    PositiveAdjust {
        item: u8,
        location: u8,
        quantity: u8,
        cost: u8,
    },
    NegativeAdjust {
        pick: u8,
        quantity: u8,
        fixed: bool,
    },
}

/// One step: an operation, how many days it moves the date (negative: back-dated), and whether
/// it starts a new journal batch.
#[derive(Debug, Clone)]
pub struct Step {
    pub op: Op,
    pub days: i8,
    pub new_batch: bool,
}

/// A generated history: the company and its journal batches, in posting order.
#[derive(Clone)]
pub struct History {
    pub config: CompanyConfig,
    pub setup: Setup,
    pub batches: Vec<Vec<JournalLine>>,
}

pub fn setup_strategy() -> impl Strategy<Value = Setup> {
    (
        0..3u8,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        2..=3usize,
    )
        .prop_map(
            |(period, item_calc, expected, automatic, locations)| Setup {
                period: [
                    AverageCostPeriod::Day,
                    AverageCostPeriod::Week,
                    AverageCostPeriod::Month,
                ][period as usize],
                calc_type: if item_calc {
                    AverageCostCalcType::Item
                } else {
                    AverageCostCalcType::ItemLocationVariant
                },
                expected_cost_posting: expected,
                automatic_cost_posting: automatic,
                locations,
            },
        )
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let q = 1..=5u8;
    prop_oneof![
        4 => (any::<u8>(), any::<u8>(), q.clone(), any::<u8>(), any::<bool>()).prop_map(
            |(item, location, quantity, cost, invoiced)| Op::Buy { item, location, quantity, cost, invoiced }),
        2 => (any::<u8>(), q.clone(), any::<u8>()).prop_map(|(pick, quantity, cost)| Op::InvoiceReceipt { pick, quantity, cost }),
        4 => (any::<u8>(), any::<u8>(), q.clone(), any::<bool>(), any::<u8>()).prop_map(
            |(item, location, quantity, invoiced, pick)| Op::Sell { item, location, quantity, invoiced, pick }),
        2 => (any::<u8>(), q.clone()).prop_map(|(pick, quantity)| Op::InvoiceShipment { pick, quantity }),
        1 => (any::<u8>(), q.clone(), any::<bool>()).prop_map(|(pick, quantity, fixed)| Op::ReturnPurchase { pick, quantity, fixed }),
        1 => (any::<u8>(), q.clone(), any::<bool>()).prop_map(|(pick, quantity, applies_from)| Op::ReturnSale { pick, quantity, applies_from }),
        2 => (any::<u8>(), any::<u8>(), q.clone()).prop_map(|(pick, to, quantity)| Op::Transfer { pick, to, quantity }),
        1 => (any::<u8>(), any::<bool>(), 1..5000u16).prop_map(|(pick, spread, cents)| Op::Charge { pick, spread, cents }),
        1 => (any::<u8>(), any::<u8>(), any::<bool>()).prop_map(|(pick, cost, applies_to)| Op::Revalue { pick, cost, applies_to }),
        1 => (any::<u8>(), any::<u8>(), q.clone(), any::<u8>()).prop_map(
            |(item, location, quantity, cost)| Op::PositiveAdjust { item, location, quantity, cost }),
        1 => (any::<u8>(), q, any::<bool>()).prop_map(|(pick, quantity, fixed)| Op::NegativeAdjust { pick, quantity, fixed }),
    ]
}

pub fn steps_strategy(max: usize) -> impl Strategy<Value = Vec<Step>> {
    let step = (op_strategy(), -3..=4i8, proptest::bool::weighted(0.3)).prop_map(
        |(op, days, new_batch)| Step {
            op,
            days,
            new_batch,
        },
    );
    proptest::collection::vec(step, 5..=max)
}

/// The company of a history: one item per method, 2–3 locations.
pub fn company(setup: &Setup) -> CompanyConfig {
    let mut config = CompanyConfig::empty("props");
    for (no, method) in ITEMS {
        let mut item = Item::new(no, method);
        item.inventory_posting_group = "RESALE".into();
        item.gen_prod_posting_group = "RETAIL".into();
        if method == CostingMethod::Standard {
            item.standard_cost = Decimal::new(1050, 2);
        }
        if no == "OVH" {
            item.indirect_cost_percent = Decimal::TEN;
        }
        config.items.push(item);
    }
    for code in &LOCATIONS[..setup.locations] {
        config.locations.push(Location::new(code));
    }
    let inventory = &mut config.inventory_setup;
    inventory.average_cost_period = setup.period;
    inventory.average_cost_calc_type = setup.calc_type;
    inventory.expected_cost_posting_to_gl = setup.expected_cost_posting;
    inventory.automatic_cost_posting = setup.automatic_cost_posting;
    config
}

/// What the builder may generate.
#[derive(Debug, Clone, Copy)]
pub struct Features {
    /// Postings valued at the item's unit cost of the moment (sales returns without applies-from),
    /// whose cost therefore depends on when adjustment last ran.
    pub unit_cost_valued: bool,
    /// Outbound entries of Average items that take more than is on hand (left open until a
    /// later inbound fills them); see `average_negative_inventory_waits_for_its_source`.
    pub average_negative_inventory: bool,
}

/// Turns steps into journal batches the engine accepts, ending with a batch that fills every
/// negative stock left, so that no outbound stays valued at a provisional unit cost.
pub fn build_history(setup: Setup, steps: &[Step], features: Features) -> History {
    let config = company(&setup);
    let mut builder = Builder {
        ledger: Ledger::new(config.clone()),
        setup,
        features,
        date: start_date(),
        latest: start_date(),
        serials: 0,
        line_no: 0,
    };
    let mut batches: Vec<Vec<JournalLine>> = vec![Vec::new()];
    for step in steps {
        if step.new_batch && !batches.last().expect("one batch").is_empty() {
            batches.push(Vec::new());
        }
        builder.move_date(step.days);
        if let Some(line) = builder.line(&step.op) {
            batches.last_mut().expect("one batch").push(line);
        }
    }
    let fills = builder.fill_negative_stock();
    batches.push(fills);
    batches.retain(|batch| !batch.is_empty());
    History {
        config,
        setup,
        batches,
    }
}

fn start_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 29).expect("valid date")
}

struct Builder {
    ledger: Ledger,
    setup: Setup,
    features: Features,
    date: NaiveDate,
    latest: NaiveDate,
    serials: u32,
    line_no: u32,
}

impl Builder {
    fn move_date(&mut self, days: i8) {
        let moved = if days >= 0 {
            self.latest.checked_add_days(Days::new(days as u64))
        } else {
            self.latest
                .checked_sub_days(Days::new(days.unsigned_abs() as u64))
        };
        self.date = moved.expect("date in range").max(start_date());
        self.latest = self.latest.max(self.date);
    }

    /// Whether an outbound line may leave the bucket negative (see [`Features`]).
    fn may_take(&self, item_no: &str, location: &str, quantity: Decimal) -> bool {
        let item = self.ledger.item_id(item_no).expect("known item");
        if self.features.average_negative_inventory
            || self.ledger.item(item).costing_method != CostingMethod::Average
        {
            return true;
        }
        let key = stockpost::ledger::BucketKey {
            item,
            location: self.ledger.location_id(location).expect("known location"),
            variant_code: self.ledger.blank_code(),
        };
        self.ledger.bucket_quantity(&key) >= quantity
    }

    /// Posts the line to the scratch ledger; keeps it only when the engine accepts it.
    fn accept(
        &mut self,
        kind: JournalLineKind,
        serial_no: Option<String>,
        date: NaiveDate,
    ) -> Option<JournalLine> {
        self.line_no += 1;
        let line = JournalLine {
            source: LineRef {
                file: Arc::from("history"),
                line: self.line_no,
            },
            posting_date: date,
            document_no: format!("D{}", self.line_no),
            external_document_no: None,
            gen_bus_posting_group: "DOMESTIC".into(),
            serial_no,
            dimensions: Dimensions::new(),
            kind,
        };
        let context = PostingContext { work_date: date };
        self.ledger
            .post_batch(std::slice::from_ref(&line), &context)
            .ok()?;
        Some(line)
    }

    fn item(&self, pick: u8) -> (&'static str, CostingMethod) {
        ITEMS[pick as usize % ITEMS.len()]
    }

    fn location(&self, pick: u8) -> String {
        LOCATIONS[pick as usize % self.setup.locations].to_string()
    }

    fn new_serial(&mut self) -> String {
        self.serials += 1;
        format!("SN{}", self.serials)
    }

    fn entries(&self, keep: impl Fn(&ItemLedgerEntry) -> bool) -> Vec<ItemLedgerEntry> {
        self.ledger
            .item_ledger_entries()
            .iter()
            .filter(|e| keep(e))
            .cloned()
            .collect()
    }

    fn pick<T: Clone>(candidates: &[T], pick: u8) -> Option<T> {
        (!candidates.is_empty()).then(|| candidates[pick as usize % candidates.len()].clone())
    }

    fn line(&mut self, op: &Op) -> Option<JournalLine> {
        match *op {
            Op::Buy {
                item,
                location,
                quantity,
                cost,
                invoiced,
            } => self.buy(item, location, quantity, cost, invoiced),
            Op::InvoiceReceipt {
                pick,
                quantity,
                cost,
            } => self.invoice_receipt(pick, quantity, cost),
            Op::Sell {
                item,
                location,
                quantity,
                invoiced,
                pick,
            } => self.sell(item, location, quantity, invoiced, pick),
            Op::InvoiceShipment { pick, quantity } => self.invoice_shipment(pick, quantity),
            Op::ReturnPurchase {
                pick,
                quantity,
                fixed,
            } => self.return_purchase(pick, quantity, fixed),
            Op::ReturnSale {
                pick,
                quantity,
                applies_from,
            } => self.return_sale(pick, quantity, applies_from),
            Op::Transfer { pick, to, quantity } => self.transfer(pick, to, quantity),
            Op::Charge {
                pick,
                spread,
                cents,
            } => self.charge(pick, spread, cents),
            Op::Revalue {
                pick,
                cost,
                applies_to,
            } => {
                if applies_to {
                    self.revalue_applied_to(pick, cost)
                } else {
                    self.revalue(pick, cost)
                }
            }
            Op::PositiveAdjust {
                item,
                location,
                quantity,
                cost,
            } => self.positive_adjust(item, location, quantity, cost),
            Op::NegativeAdjust {
                pick,
                quantity,
                fixed,
            } => self.negative_adjust(pick, quantity, fixed),
        }
    }

    /// Unit costs with awkward fractions, so that rounding has work to do.
    fn unit_cost(cost: u8) -> Decimal {
        Decimal::new(500 + (cost as i64 % 40) * 37, 2) / Decimal::from(1 + cost as i64 % 3)
    }

    fn buy(
        &mut self,
        item: u8,
        location: u8,
        quantity: u8,
        cost: u8,
        invoiced: bool,
    ) -> Option<JournalLine> {
        let (item, method) = self.item(item);
        let serial = (method == CostingMethod::Specific).then(|| self.new_serial());
        let quantity = if serial.is_some() {
            Decimal::ONE
        } else {
            Decimal::from(quantity)
        };
        let location = self.location(location);
        let unit_cost = Self::unit_cost(cost).round_dp(2);
        let kind = if invoiced {
            JournalLineKind::Purchase {
                item: item.into(),
                location,
                quantity,
                cost: LineCost::Amount((unit_cost * quantity).round_dp(2) + Decimal::new(1, 2)),
            }
        } else {
            JournalLineKind::PurchaseReceipt {
                item: item.into(),
                location,
                quantity,
                direct_unit_cost: unit_cost,
            }
        };
        self.accept(kind, serial, self.date)
    }

    fn invoice_receipt(&mut self, pick: u8, quantity: u8, cost: u8) -> Option<JournalLine> {
        let receipts = self.entries(|e| {
            e.entry_type == ItemLedgerEntryType::Purchase
                && e.is_positive()
                && !e.completely_invoiced
        });
        let receipt = Self::pick(&receipts, pick)?;
        let open = receipt.quantity - receipt.invoiced_quantity;
        let quantity = Decimal::from(quantity).min(open);
        let kind = JournalLineKind::PurchaseInvoice {
            receipt_entry_no: receipt.entry_no,
            quantity,
            cost: LineCost::DirectUnitCost(Self::unit_cost(cost)),
        };
        self.accept(kind, None, self.date.max(receipt.posting_date))
    }

    fn sell(
        &mut self,
        item: u8,
        location: u8,
        quantity: u8,
        invoiced: bool,
        pick: u8,
    ) -> Option<JournalLine> {
        let (item_no, method) = self.item(item);
        let (location, quantity, serial) = if method == CostingMethod::Specific {
            let held = self.serials_on_hand(item_no);
            let holder = Self::pick(&held, pick)?;
            (
                self.ledger.location_code(holder.location).to_string(),
                Decimal::ONE,
                holder.serial_no.map(|s| s.to_string()),
            )
        } else {
            (self.location(location), Decimal::from(quantity), None)
        };
        if !self.may_take(item_no, &location, quantity) {
            return None;
        }
        let kind = if invoiced {
            JournalLineKind::Sale {
                item: item_no.into(),
                location,
                quantity,
                unit_price: Decimal::from(30),
                applies_to_entry_no: None,
            }
        } else {
            JournalLineKind::SalesShipment {
                item: item_no.into(),
                location,
                quantity,
                unit_price: Decimal::from(30),
            }
        };
        self.accept(kind, serial, self.date)
    }

    fn serials_on_hand(&self, item_no: &str) -> Vec<ItemLedgerEntry> {
        let item = self.ledger.item_id(item_no).expect("known item");
        self.entries(|e| e.item == item && e.is_positive() && e.is_open() && e.serial_no.is_some())
    }

    fn invoice_shipment(&mut self, pick: u8, quantity: u8) -> Option<JournalLine> {
        let shipments = self.entries(|e| {
            e.entry_type == ItemLedgerEntryType::Sale && !e.is_positive() && !e.completely_invoiced
        });
        let shipment = Self::pick(&shipments, pick)?;
        let open = shipment.invoiced_quantity - shipment.quantity;
        let quantity = Decimal::from(quantity).min(open);
        let kind = JournalLineKind::SalesInvoice {
            shipment_entry_no: shipment.entry_no,
            quantity,
            unit_price: Decimal::from(30),
        };
        self.accept(kind, None, self.date.max(shipment.posting_date))
    }

    /// Open inbound entries (the candidates for fixed applications and serial moves).
    fn open_inbounds(&self) -> Vec<ItemLedgerEntry> {
        self.entries(|e| e.is_positive() && e.is_open())
    }

    fn return_purchase(&mut self, pick: u8, quantity: u8, fixed: bool) -> Option<JournalLine> {
        let candidates = self.entries(|e| {
            e.is_positive() && e.is_open() && e.entry_type == ItemLedgerEntryType::Purchase
        });
        let receipt = Self::pick(&candidates, pick)?;
        let quantity = Decimal::from(quantity).min(receipt.remaining_quantity);
        let kind = JournalLineKind::PurchaseReturn {
            item: self.ledger.item_no(receipt.item).into(),
            location: self.ledger.location_code(receipt.location).into(),
            quantity,
            direct_unit_cost: Decimal::from(7),
            applies_to_entry_no: (fixed || receipt.serial_no.is_some()).then_some(receipt.entry_no),
        };
        let serial = receipt.serial_no.map(|s| s.to_string());
        self.accept(kind, serial, self.date.max(receipt.posting_date))
    }

    /// Returns reverse closed shipments only: a return applied from a shipment still open
    /// (negative inventory) can close a cost cycle through the entries that later fill it, whose
    /// cost then has no source and depends on when adjustment ran (see the report of `props`).
    fn return_sale(&mut self, pick: u8, quantity: u8, applies_from: bool) -> Option<JournalLine> {
        let sales = self.entries(|e| {
            !e.is_open()
                && e.entry_type == ItemLedgerEntryType::Sale
                && !e.is_positive()
                && e.shipped_qty_not_returned < Decimal::ZERO
        });
        let sale = Self::pick(&sales, pick)?;
        if let Some(serial) = &sale.serial_no {
            if self.ledger.serial_on_hand(sale.item, serial).is_some() {
                return None;
            }
        }
        let applies_from = applies_from || !self.features.unit_cost_valued;
        let quantity = Decimal::from(quantity).min(-sale.shipped_qty_not_returned);
        let kind = JournalLineKind::SalesReturn {
            item: self.ledger.item_no(sale.item).into(),
            location: self.ledger.location_code(sale.location).into(),
            quantity,
            unit_price: Decimal::from(30),
            applies_from_entry_no: applies_from.then_some(sale.entry_no),
        };
        let serial = sale.serial_no.map(|s| s.to_string());
        self.accept(kind, serial, self.date.max(sale.posting_date))
    }

    fn transfer(&mut self, pick: u8, to: u8, quantity: u8) -> Option<JournalLine> {
        let source = Self::pick(&self.open_inbounds(), pick)?;
        let from = self.ledger.location_code(source.location).to_string();
        let mut to_location = self.location(to);
        if to_location == from {
            to_location = self.location(to.wrapping_add(1));
        }
        let position = |code: &str| LOCATIONS.iter().position(|l| *l == code);
        let is_average = self.ledger.item(source.item).costing_method == CostingMethod::Average;
        if is_average && position(&from) >= position(&to_location) {
            // Known limit (docs/cost-adjustment.md): transfers of Average items that come back
            // to a location close a cycle through the location pools whose rounding (0.01) can
            // depend on when adjustment ran, so invariant 25 is not asserted for them.
            return None;
        }
        let quantity = Decimal::from(quantity).min(source.remaining_quantity);
        if !self.may_take(self.ledger.item_no(source.item), &from, quantity) {
            return None;
        }
        let kind = JournalLineKind::Transfer {
            item: self.ledger.item_no(source.item).into(),
            from_location: from,
            to_location,
            quantity,
        };
        let serial = source.serial_no.map(|s| s.to_string());
        self.accept(kind, serial, self.date.max(source.posting_date))
    }

    fn charge(&mut self, pick: u8, spread: bool, cents: u16) -> Option<JournalLine> {
        let purchases =
            self.entries(|e| e.is_positive() && e.entry_type == ItemLedgerEntryType::Purchase);
        let first = Self::pick(&purchases, pick)?;
        let mut assign = vec![first.entry_no];
        if spread {
            if let Some(second) = Self::pick(&purchases, pick.wrapping_add(1))
                .filter(|e| e.entry_no != first.entry_no)
            {
                assign.push(second.entry_no);
            }
        }
        let kind = JournalLineKind::ItemCharge {
            item_charge_no: "FREIGHT".into(),
            amount: Decimal::new(cents as i64, 2),
            assign_to_entry_nos: assign,
        };
        self.accept(kind, None, self.date)
    }

    /// Open, completely invoiced purchases and positive adjustments: what a revaluation line of
    /// the generator may name.
    fn revaluable_entries(&self) -> Vec<ItemLedgerEntry> {
        self.entries(|e| {
            matches!(
                e.entry_type,
                ItemLedgerEntryType::Purchase | ItemLedgerEntryType::PositiveAdjmt
            ) && e.is_positive()
                && e.is_open()
                && e.completely_invoiced
        })
    }

    /// A hand-entered applies-to revaluation line (spec §7.10) for one completely invoiced
    /// purchase or positive adjustment of any costing method, on the latest date. Only open
    /// entries: a closed one may carry a rounding entry from cost adjustment, and the line's
    /// starting value (the entry's actual cost) then depends on whether adjustment ran before
    /// it, which invariant 25 cannot compare (`tests/scenarios/x05` revalues a closed entry).
    fn revalue_applied_to(&mut self, pick: u8, cost: u8) -> Option<JournalLine> {
        let candidates = self.revaluable_entries();
        let entry = Self::pick(&candidates, pick)?;
        let kind = JournalLineKind::Revaluation {
            item: self.ledger.item_no(entry.item).into(),
            scope: RevaluationScope::AppliesTo {
                entry_no: entry.entry_no,
            },
            target: RevaluationTarget::UnitCost(Self::unit_cost(cost).round_dp(2)),
        };
        self.accept(kind, None, self.latest)
    }

    /// Revalues one invoiced purchase or positive adjustment on the latest date so far. Average
    /// items revalue per item only (spec §7.2), which the generator leaves out.
    fn revalue(&mut self, pick: u8, cost: u8) -> Option<JournalLine> {
        let candidates: Vec<ItemLedgerEntry> = self
            .revaluable_entries()
            .into_iter()
            .filter(|e| self.ledger.item(e.item).costing_method != CostingMethod::Average)
            .collect();
        let entry = Self::pick(&candidates, pick)?;
        let kind = JournalLineKind::Revaluation {
            item: self.ledger.item_no(entry.item).into(),
            scope: RevaluationScope::Entry {
                entry_no: entry.entry_no,
            },
            target: RevaluationTarget::UnitCost(Self::unit_cost(cost).round_dp(2)),
        };
        self.accept(kind, None, self.latest)
    }

    fn positive_adjust(
        &mut self,
        item: u8,
        location: u8,
        quantity: u8,
        cost: u8,
    ) -> Option<JournalLine> {
        let (item, method) = self.item(item);
        let serial = (method == CostingMethod::Specific).then(|| self.new_serial());
        let quantity = if serial.is_some() {
            Decimal::ONE
        } else {
            Decimal::from(quantity)
        };
        let kind = JournalLineKind::PositiveAdjustment {
            item: item.into(),
            location: self.location(location),
            quantity,
            unit_cost: Self::unit_cost(cost).round_dp(2),
        };
        self.accept(kind, serial, self.date)
    }

    fn negative_adjust(&mut self, pick: u8, quantity: u8, fixed: bool) -> Option<JournalLine> {
        let source = Self::pick(&self.open_inbounds(), pick)?;
        let serial = source.serial_no.as_ref().map(|s| s.to_string());
        let quantity = if fixed || serial.is_some() {
            Decimal::from(quantity).min(source.remaining_quantity)
        } else {
            Decimal::from(quantity)
        };
        let location = self.ledger.location_code(source.location).to_string();
        if !self.may_take(self.ledger.item_no(source.item), &location, quantity) {
            return None;
        }
        let kind = JournalLineKind::NegativeAdjustment {
            item: self.ledger.item_no(source.item).into(),
            location: self.ledger.location_code(source.location).into(),
            quantity,
            applies_to_entry_no: fixed.then_some(source.entry_no),
        };
        self.accept(kind, serial, self.date.max(source.posting_date))
    }

    /// A purchase for every open outbound entry, on the latest date, so nothing stays valued at
    /// a provisional unit cost.
    fn fill_negative_stock(&mut self) -> Vec<JournalLine> {
        let open = self.entries(|e| !e.is_positive() && e.is_open());
        let mut lines = Vec::new();
        for outbound in open {
            let kind = JournalLineKind::Purchase {
                item: self.ledger.item_no(outbound.item).into(),
                location: self.ledger.location_code(outbound.location).into(),
                quantity: -outbound.remaining_quantity,
                cost: LineCost::DirectUnitCost(Decimal::new(1111, 2)),
            };
            let latest = self.latest;
            lines.extend(self.accept(kind, None, latest));
        }
        lines
    }
}

impl fmt::Debug for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "setup: {:?}", self.setup)?;
        for (number, batch) in self.batches.iter().enumerate() {
            writeln!(f, "batch {}:", number + 1)?;
            for line in batch {
                let serial = line
                    .serial_no
                    .as_deref()
                    .map(|s| format!(" serial {s}"))
                    .unwrap_or_default();
                writeln!(f, "  {} {:?}{serial}", line.posting_date, line.kind)?;
            }
        }
        Ok(())
    }
}
