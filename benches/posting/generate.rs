//! The journal generator: a year of realistic postings as one CSV text (docs/journal.md).
//!
//! The generator keeps a shadow of what the posting engine will do with its lines: the stock per
//! item and location (so that sales rarely exceed it), the item ledger entry numbers each line
//! creates (so that invoices, returns and item charges name the right entries), the receipts and
//! shipments not yet invoiced, the serial numbers on hand and the sales not yet returned.

use std::collections::VecDeque;
use std::fmt::Write;

use chrono::{Days, NaiveDate};

use super::company::{ItemSpec, LOCATIONS};
use super::rng::Rng;

/// The CSV header: every column some line type uses.
const HEADER: &str = "type,posting_date,document_no,external_document_no,gen_bus_posting_group,\
serial_no,item,location,quantity,unit_cost,amount,unit_price,receipt_entry_no,shipment_entry_no,\
applies_from_entry_no,from_location,to_location,item_charge_no,assign_to_entry_nos,dim.DEPARTMENT";

/// Invoices are only written once this many receipts (shipments) wait, so that they come later.
const INVOICE_BACKLOG: usize = 8;
/// How many recent sales a return may reverse, and recent inbound entries a charge may hit.
const RECENT_SALES: usize = 4096;
const RECENT_INBOUND: usize = 256;

/// The line types the generator writes, for the mix statistics.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Purchase,
    PurchaseReceipt,
    PurchaseInvoice,
    Sale,
    SalesShipment,
    SalesInvoice,
    SalesReturn,
    Transfer,
    PositiveAdjustment,
    NegativeAdjustment,
    ItemCharge,
}

const KINDS: [Kind; 11] = [
    Kind::Purchase,
    Kind::PurchaseReceipt,
    Kind::PurchaseInvoice,
    Kind::Sale,
    Kind::SalesShipment,
    Kind::SalesInvoice,
    Kind::SalesReturn,
    Kind::Transfer,
    Kind::PositiveAdjustment,
    Kind::NegativeAdjustment,
    Kind::ItemCharge,
];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Purchase => "purchase",
            Kind::PurchaseReceipt => "purchase_receipt",
            Kind::PurchaseInvoice => "purchase_invoice",
            Kind::Sale => "sale",
            Kind::SalesShipment => "sales_shipment",
            Kind::SalesInvoice => "sales_invoice",
            Kind::SalesReturn => "sales_return",
            Kind::Transfer => "transfer",
            Kind::PositiveAdjustment => "positive_adjustment",
            Kind::NegativeAdjustment => "negative_adjustment",
            Kind::ItemCharge => "item_charge",
        }
    }

    fn document_prefix(self) -> &'static str {
        match self {
            Kind::Purchase | Kind::PurchaseInvoice => "PPI",
            Kind::PurchaseReceipt => "PPR",
            Kind::Sale | Kind::SalesInvoice => "PSI",
            Kind::SalesShipment => "PSS",
            Kind::SalesReturn => "PSCM",
            Kind::Transfer => "TRF",
            Kind::PositiveAdjustment | Kind::NegativeAdjustment => "IJ",
            Kind::ItemCharge => "PPIC",
        }
    }
}

/// The generated journal and what the generator expects the engine to make of it.
pub struct Journal {
    pub text: String,
    pub lines: usize,
    /// Item ledger entries the journal creates (the last entry number it refers to).
    pub item_ledger_entries: u64,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    /// Lines per type, in a fixed order.
    pub mix: Vec<(&'static str, u64)>,
}

/// A receipt or shipment waiting for its (remaining) invoice.
struct OpenDocument {
    entry_no: u64,
    quantity_to_invoice: i64,
    unit_amount_cents: i64,
}

/// A sale a later sales return may reverse.
struct SaleRecord {
    entry_no: u64,
    item: usize,
    location: usize,
    not_returned: i64,
}

/// One CSV record; `None` and empty fields are written as empty cells.
#[derive(Default)]
struct Row<'a> {
    kind: &'static str,
    document: (&'static str, u64),
    external_document_no: Option<u64>,
    gen_bus_posting_group: &'static str,
    serial_no: Option<u64>,
    item: Option<&'a str>,
    location: Option<&'static str>,
    quantity: Option<i64>,
    unit_cost: Option<i64>,
    amount: Option<i64>,
    unit_price: Option<i64>,
    receipt_entry_no: Option<u64>,
    shipment_entry_no: Option<u64>,
    applies_from_entry_no: Option<u64>,
    from_location: Option<&'static str>,
    to_location: Option<&'static str>,
    item_charge_no: Option<&'static str>,
    assign_to_entry_nos: Vec<u64>,
    department: Option<&'static str>,
}

/// Generates `line_count` journal lines over `items`, dated through the year 2026 in order.
pub fn generate(line_count: usize, items: &[ItemSpec], rng: Rng) -> Journal {
    let first_date = NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid date");
    let dates: Vec<String> = (0..365)
        .map(|day| (first_date + Days::new(day)).format("%Y-%m-%d").to_string())
        .collect();
    let mut generator = Generator {
        rng,
        items,
        serial_items: (0..items.len())
            .filter(|&index| items[index].serial_tracked)
            .collect(),
        text: String::with_capacity(line_count * 110),
        date: String::new(),
        next_entry_no: 1,
        next_document_no: 1,
        next_serial_no: 1,
        stock: vec![[0; LOCATIONS.len()]; items.len()],
        serials_on_hand: vec![Vec::new(); items.len()],
        open_receipts: VecDeque::new(),
        open_shipments: VecDeque::new(),
        recent_sales: Vec::with_capacity(RECENT_SALES),
        recent_inbound: Vec::with_capacity(RECENT_INBOUND),
        mix: [0; KINDS.len()],
    };
    generator.text.push_str(HEADER);
    generator.text.push('\n');
    for line_index in 0..line_count {
        let day = line_index * dates.len() / line_count.max(1);
        generator.date.clone_from(&dates[day]);
        generator.step();
    }
    let last_day = (line_count.saturating_sub(1)) * dates.len() / line_count.max(1);
    Journal {
        text: generator.text,
        lines: line_count,
        item_ledger_entries: generator.next_entry_no - 1,
        first_date,
        last_date: first_date + Days::new(last_day as u64),
        mix: KINDS
            .iter()
            .map(|kind| (kind.name(), generator.mix[*kind as usize]))
            .collect(),
    }
}

struct Generator<'a> {
    rng: Rng,
    items: &'a [ItemSpec],
    serial_items: Vec<usize>,
    text: String,
    date: String,
    next_entry_no: u64,
    next_document_no: u64,
    next_serial_no: u64,
    stock: Vec<[i64; LOCATIONS.len()]>,
    /// Serial numbers on hand per item, with their location.
    serials_on_hand: Vec<Vec<(u64, usize)>>,
    open_receipts: VecDeque<OpenDocument>,
    open_shipments: VecDeque<OpenDocument>,
    recent_sales: Vec<SaleRecord>,
    recent_inbound: Vec<u64>,
    mix: [u64; KINDS.len()],
}

impl<'a> Generator<'a> {
    /// Writes one line. The mix, in per mille: purchases 280, sales 400, receipts 60 and their
    /// invoices 80, shipments 50 and their invoices 50, transfers 30, adjustments 15 + 15, item
    /// charges 15, sales returns 5. A line that cannot be written (nothing to invoice, no stock
    /// to move) becomes a purchase.
    fn step(&mut self) {
        match self.rng.below(1000) {
            0..280 => self.purchase(),
            280..680 => self.sale(),
            680..740 => self.purchase_receipt(),
            740..820 => self.purchase_invoice(),
            820..870 => self.sales_shipment(),
            870..920 => self.sales_invoice(),
            920..950 => self.transfer(),
            950..965 => self.positive_adjustment(),
            965..980 => self.negative_adjustment(),
            980..995 => self.item_charge(),
            _ => self.sales_return(),
        }
    }

    fn purchase(&mut self) {
        if self.rng.percent(2) {
            return self.serial_purchase();
        }
        let (item, location) = (self.pick_item(), self.pick_location());
        self.purchase_of(item, location);
    }

    fn purchase_of(&mut self, item: usize, location: usize) {
        let quantity = self.rng.range(1, 12) as i64;
        let unit_cost = self.purchase_unit_cost(item);
        let entry_no = self.inbound(item, location, quantity);
        self.purchased(entry_no);
        let mut row = self.row(item);
        row.external_document_no = Some(entry_no);
        row.gen_bus_posting_group = self.vendor_group();
        row.location = Some(LOCATIONS[location]);
        row.quantity = Some(quantity);
        if self.rng.percent(50) {
            row.unit_cost = Some(unit_cost);
        } else {
            row.amount = Some(unit_cost * quantity);
        }
        row.department = self.rng.percent(50).then_some("PURCHASE");
        self.write(Kind::Purchase, row);
    }

    fn serial_purchase(&mut self) {
        let item = self.pick_serial_item();
        let location = self.pick_location();
        let serial_no = self.next_serial_no;
        self.next_serial_no += 1;
        self.serials_on_hand[item].push((serial_no, location));
        let unit_cost = self.purchase_unit_cost(item);
        let entry_no = self.inbound(item, location, 1);
        self.purchased(entry_no);
        let mut row = self.row(item);
        row.gen_bus_posting_group = self.vendor_group();
        row.serial_no = Some(serial_no);
        row.location = Some(LOCATIONS[location]);
        row.quantity = Some(1);
        row.unit_cost = Some(unit_cost);
        self.write(Kind::Purchase, row);
    }

    fn purchase_receipt(&mut self) {
        let (item, location) = (self.pick_item(), self.pick_location());
        let quantity = self.rng.range(4, 16) as i64;
        let unit_cost = self.purchase_unit_cost(item);
        let entry_no = self.inbound(item, location, quantity);
        self.purchased(entry_no);
        self.open_receipts.push_back(OpenDocument {
            entry_no,
            quantity_to_invoice: quantity,
            unit_amount_cents: unit_cost,
        });
        let mut row = self.row(item);
        row.gen_bus_posting_group = self.vendor_group();
        row.location = Some(LOCATIONS[location]);
        row.quantity = Some(quantity);
        row.unit_cost = Some(unit_cost);
        self.write(Kind::PurchaseReceipt, row);
    }

    /// Invoices the oldest open receipt, in full or in part, at a slightly different price.
    fn purchase_invoice(&mut self) {
        if self.open_receipts.len() < INVOICE_BACKLOG {
            return self.purchase();
        }
        let (entry_no, quantity, receipt_cost) = self.invoice_oldest(true);
        let unit_cost = receipt_cost * self.rng.range(98, 102) as i64 / 100;
        let mut row = Row {
            kind: Kind::PurchaseInvoice.name(),
            gen_bus_posting_group: self.vendor_group(),
            receipt_entry_no: Some(entry_no),
            quantity: Some(quantity),
            ..Row::default()
        };
        if self.rng.percent(50) {
            row.unit_cost = Some(unit_cost);
        } else {
            row.amount = Some(unit_cost * quantity);
        }
        self.write(Kind::PurchaseInvoice, row);
    }

    fn sale(&mut self) {
        if self.rng.percent(2) && self.serial_sale() {
            return;
        }
        let (item, location) = (self.pick_item(), self.pick_location());
        let Some(quantity) = self.outbound_quantity(item, location, 10) else {
            return self.purchase_of(item, location);
        };
        let entry_no = self.outbound(item, location, quantity);
        self.remember_sale(SaleRecord {
            entry_no,
            item,
            location,
            not_returned: quantity,
        });
        let mut row = self.row(item);
        row.gen_bus_posting_group = self.customer_group();
        row.location = Some(LOCATIONS[location]);
        row.quantity = Some(quantity);
        row.unit_price = Some(self.unit_price(item));
        row.department = self.rng.percent(50).then_some("SALES");
        self.write(Kind::Sale, row);
    }

    /// Sells one serial number on hand; false when the chosen item has none.
    fn serial_sale(&mut self) -> bool {
        let item = self.pick_serial_item();
        let on_hand = &mut self.serials_on_hand[item];
        if on_hand.is_empty() {
            return false;
        }
        let index = self.rng.below(on_hand.len() as u64) as usize;
        let (serial_no, location) = on_hand.swap_remove(index);
        self.outbound(item, location, 1);
        let mut row = self.row(item);
        row.gen_bus_posting_group = self.customer_group();
        row.serial_no = Some(serial_no);
        row.location = Some(LOCATIONS[location]);
        row.quantity = Some(1);
        row.unit_price = Some(self.unit_price(item));
        self.write(Kind::Sale, row);
        true
    }

    fn sales_shipment(&mut self) {
        let (item, location) = (self.pick_item(), self.pick_location());
        let Some(quantity) = self.outbound_quantity(item, location, 10) else {
            return self.purchase_of(item, location);
        };
        let unit_price = self.unit_price(item);
        let entry_no = self.outbound(item, location, quantity);
        self.open_shipments.push_back(OpenDocument {
            entry_no,
            quantity_to_invoice: quantity,
            unit_amount_cents: unit_price,
        });
        let mut row = self.row(item);
        row.gen_bus_posting_group = self.customer_group();
        row.location = Some(LOCATIONS[location]);
        row.quantity = Some(quantity);
        row.unit_price = Some(unit_price);
        self.write(Kind::SalesShipment, row);
    }

    fn sales_invoice(&mut self) {
        if self.open_shipments.len() < INVOICE_BACKLOG {
            return self.sale();
        }
        let (entry_no, quantity, unit_price) = self.invoice_oldest(false);
        let row = Row {
            kind: Kind::SalesInvoice.name(),
            gen_bus_posting_group: self.customer_group(),
            shipment_entry_no: Some(entry_no),
            quantity: Some(quantity),
            unit_price: Some(unit_price),
            ..Row::default()
        };
        self.write(Kind::SalesInvoice, row);
    }

    /// Reverses part of a recent sale at its exact cost (three in four), or takes goods back
    /// without naming the sale.
    fn sales_return(&mut self) {
        if self.recent_sales.is_empty() {
            return self.purchase();
        }
        let index = self.rng.below(self.recent_sales.len() as u64) as usize;
        let sale = &mut self.recent_sales[index];
        if sale.not_returned == 0 {
            return self.purchase();
        }
        sale.not_returned -= 1;
        let (sale_entry_no, item, location) = (sale.entry_no, sale.item, sale.location);
        let exact_cost_reversal = self.rng.percent(75);
        self.inbound(item, location, 1);
        let mut row = self.row(item);
        row.gen_bus_posting_group = self.customer_group();
        row.location = Some(LOCATIONS[location]);
        row.quantity = Some(1);
        row.unit_price = Some(self.unit_price(item));
        row.applies_from_entry_no = exact_cost_reversal.then_some(sale_entry_no);
        self.write(Kind::SalesReturn, row);
    }

    /// Moves stock from the item's best-stocked location to another one.
    fn transfer(&mut self) {
        let item = self.pick_item();
        let stock = self.stock[item];
        let from = (0..LOCATIONS.len())
            .max_by_key(|&location| stock[location])
            .expect("locations");
        if stock[from] <= 0 {
            return self.purchase_of(item, from);
        }
        let to = (from + 1 + self.rng.below(LOCATIONS.len() as u64 - 1) as usize) % LOCATIONS.len();
        let quantity = (self.rng.range(1, 10) as i64).min(stock[from]);
        self.outbound(item, from, quantity);
        self.inbound(item, to, quantity);
        let mut row = self.row(item);
        row.from_location = Some(LOCATIONS[from]);
        row.to_location = Some(LOCATIONS[to]);
        row.quantity = Some(quantity);
        self.write(Kind::Transfer, row);
    }

    fn positive_adjustment(&mut self) {
        let (item, location) = (self.pick_item(), self.pick_location());
        let quantity = self.rng.range(1, 5) as i64;
        self.inbound(item, location, quantity);
        let mut row = self.row(item);
        row.location = Some(LOCATIONS[location]);
        row.quantity = Some(quantity);
        row.unit_cost = Some(self.items[item].base_cost_cents);
        self.write(Kind::PositiveAdjustment, row);
    }

    fn negative_adjustment(&mut self) {
        let (item, location) = (self.pick_item(), self.pick_location());
        if self.stock[item][location] <= 0 {
            return self.positive_adjustment();
        }
        let quantity = (self.rng.range(1, 3) as i64).min(self.stock[item][location]);
        self.outbound(item, location, quantity);
        let mut row = self.row(item);
        row.location = Some(LOCATIONS[location]);
        row.quantity = Some(quantity);
        self.write(Kind::NegativeAdjustment, row);
    }

    /// Freight or customs on one to three recent inbound entries.
    fn item_charge(&mut self) {
        if self.recent_inbound.is_empty() {
            return self.purchase();
        }
        let count = self.rng.range(1, 3);
        let mut entry_nos: Vec<u64> = (0..count)
            .map(|_| self.recent_inbound[self.rng.below(self.recent_inbound.len() as u64) as usize])
            .collect();
        entry_nos.sort_unstable();
        entry_nos.dedup();
        let row = Row {
            kind: Kind::ItemCharge.name(),
            gen_bus_posting_group: self.vendor_group(),
            item_charge_no: Some(if self.rng.percent(80) {
                "FREIGHT"
            } else {
                "CUSTOMS"
            }),
            amount: Some(self.rng.range(1_000, 20_000) as i64),
            assign_to_entry_nos: entry_nos,
            ..Row::default()
        };
        self.write(Kind::ItemCharge, row);
    }

    /// Takes the oldest open receipt (or shipment) and decides how much of it to invoice: all of
    /// it, or half the time a part when more than one unit is open. Returns the entry no., the
    /// quantity and the document's unit amount.
    fn invoice_oldest(&mut self, receipt: bool) -> (u64, i64, i64) {
        let split = self.rng.percent(50);
        let queue = if receipt {
            &mut self.open_receipts
        } else {
            &mut self.open_shipments
        };
        let open = queue.front_mut().expect("backlog checked");
        let open_quantity = open.quantity_to_invoice;
        let quantity = if split && open_quantity > 1 {
            open_quantity / 2
        } else {
            open_quantity
        };
        open.quantity_to_invoice -= quantity;
        let invoiced = (open.entry_no, quantity, open.unit_amount_cents);
        if open.quantity_to_invoice == 0 {
            queue.pop_front();
        }
        invoiced
    }

    /// How much a sale takes: what was asked if it is in stock; one time in ten it is taken
    /// anyway (negative inventory); otherwise what is left, or `None` when nothing is.
    fn outbound_quantity(&mut self, item: usize, location: usize, most: u64) -> Option<i64> {
        let wanted = self.rng.range(1, most) as i64;
        let stock = self.stock[item][location];
        if stock >= wanted || self.rng.percent(10) {
            Some(wanted)
        } else if stock > 0 {
            Some(stock)
        } else {
            None
        }
    }

    fn inbound(&mut self, item: usize, location: usize, quantity: i64) -> u64 {
        self.stock[item][location] += quantity;
        self.new_entry_no()
    }

    /// Purchases and receipts may get item charges later. Transfer-in legs are left out: a
    /// charge on the transfer-in of a Standard item makes a Transfer/Variance value entry,
    /// which the G/L account matrix refuses (see docs/performance.md).
    fn purchased(&mut self, entry_no: u64) {
        if self.recent_inbound.len() < RECENT_INBOUND {
            self.recent_inbound.push(entry_no);
        } else {
            let slot = (entry_no as usize) % RECENT_INBOUND;
            self.recent_inbound[slot] = entry_no;
        }
    }

    fn outbound(&mut self, item: usize, location: usize, quantity: i64) -> u64 {
        self.stock[item][location] -= quantity;
        self.new_entry_no()
    }

    fn new_entry_no(&mut self) -> u64 {
        let entry_no = self.next_entry_no;
        self.next_entry_no += 1;
        entry_no
    }

    fn remember_sale(&mut self, sale: SaleRecord) {
        if self.recent_sales.len() < RECENT_SALES {
            self.recent_sales.push(sale);
        } else {
            let slot = (sale.entry_no as usize) % RECENT_SALES;
            self.recent_sales[slot] = sale;
        }
    }

    /// An untracked item; half the traffic goes to the first fifth of the catalogue.
    fn pick_item(&mut self) -> usize {
        let count = self.items.len() as u64;
        let index = if self.rng.percent(50) {
            self.rng.below((count / 5).max(1))
        } else {
            self.rng.below(count)
        } as usize;
        if self.items[index].serial_tracked {
            (index + 1) % self.items.len()
        } else {
            index
        }
    }

    fn pick_serial_item(&mut self) -> usize {
        if self.serial_items.is_empty() {
            return self.pick_item();
        }
        self.serial_items[self.rng.below(self.serial_items.len() as u64) as usize]
    }

    /// MAIN 60 %, EAST 25 %, WEST 15 %.
    fn pick_location(&mut self) -> usize {
        match self.rng.below(100) {
            0..60 => 0,
            60..85 => 1,
            _ => 2,
        }
    }

    fn purchase_unit_cost(&mut self, item: usize) -> i64 {
        self.items[item].base_cost_cents * self.rng.range(95, 105) as i64 / 100
    }

    fn unit_price(&self, item: usize) -> i64 {
        self.items[item].base_cost_cents * 14 / 10
    }

    fn vendor_group(&mut self) -> &'static str {
        ["DOMESTIC", "EU"][self.rng.below(2) as usize]
    }

    fn customer_group(&mut self) -> &'static str {
        ["DOMESTIC", "EU", "EXPORT"][self.rng.below(3) as usize]
    }

    /// A row for `item`; `write` fills in the type and the document no.
    fn row(&self, item: usize) -> Row<'a> {
        let items: &'a [ItemSpec] = self.items;
        Row {
            item: Some(&items[item].no),
            ..Row::default()
        }
    }

    fn write(&mut self, kind: Kind, mut row: Row<'_>) {
        row.kind = kind.name();
        row.document = (kind.document_prefix(), self.next_document_no);
        self.next_document_no += 1;
        self.mix[kind as usize] += 1;
        write_row(&mut self.text, &self.date, &row);
    }
}

fn write_row(out: &mut String, date: &str, row: &Row<'_>) {
    let (prefix, number) = row.document;
    let _ = write!(out, "{},{date},{prefix}-{number:07},", row.kind);
    if let Some(external) = row.external_document_no {
        let _ = write!(out, "VINV-{external}");
    }
    out.push(',');
    out.push_str(row.gen_bus_posting_group);
    out.push(',');
    if let Some(serial) = row.serial_no {
        let _ = write!(out, "SN{serial:08}");
    }
    out.push(',');
    text_cell(out, row.item);
    text_cell(out, row.location);
    number_cell(out, row.quantity);
    money_cell(out, row.unit_cost);
    money_cell(out, row.amount);
    money_cell(out, row.unit_price);
    number_cell(out, row.receipt_entry_no);
    number_cell(out, row.shipment_entry_no);
    number_cell(out, row.applies_from_entry_no);
    text_cell(out, row.from_location);
    text_cell(out, row.to_location);
    text_cell(out, row.item_charge_no);
    for (index, entry_no) in row.assign_to_entry_nos.iter().enumerate() {
        if index > 0 {
            out.push(';');
        }
        let _ = write!(out, "{entry_no}");
    }
    out.push(',');
    out.push_str(row.department.unwrap_or_default());
    out.push('\n');
}

fn text_cell(out: &mut String, value: Option<&str>) {
    out.push_str(value.unwrap_or_default());
    out.push(',');
}

fn number_cell<N: std::fmt::Display>(out: &mut String, value: Option<N>) {
    if let Some(value) = value {
        let _ = write!(out, "{value}");
    }
    out.push(',');
}

fn money_cell(out: &mut String, cents: Option<i64>) {
    if let Some(cents) = cents {
        let _ = write!(out, "{}.{:02}", cents / 100, cents % 100);
    }
    out.push(',');
}
