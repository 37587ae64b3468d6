//! Turns the raw field text of one line into a [`JournalLine`], whichever encoding it came from.
//!
//! The rules here are the schema of `docs/journal.md`: which fields each line type requires,
//! allows and forbids, and how numbers, dates and entry numbers are written.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::fields::{field_set, Field, RawLine};
use super::limits::{
    written_decimals, MAX_DECIMALS, MAX_LINE_AMOUNT, MAX_QUANTITY, MAX_TEXT_CHARS, MAX_UNIT_AMOUNT,
};
use super::{Dimensions, JournalLine, JournalLineKind, LineCost, LineRef};
use super::{RevaluationScope, RevaluationTarget};

/// A problem with one field of a line (or the whole line when `field` is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Attaches the file and line.
    pub(crate) fn at(self, file: &str, line: u32) -> super::JournalParseError {
        super::JournalParseError {
            file: file.to_string(),
            line,
            field: self.field,
            message: self.message,
        }
    }
}

type Decoded<T> = Result<T, FieldError>;

/// The value of the `type` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineType {
    Purchase,
    PurchaseReceipt,
    PurchaseInvoice,
    PurchaseReturn,
    Sale,
    SalesShipment,
    SalesInvoice,
    SalesReturn,
    PositiveAdjustment,
    NegativeAdjustment,
    Transfer,
    ItemCharge,
    Revaluation,
    StandardCostChange,
}

/// Fields every line type accepts.
const COMMON: u32 = field_set(&[
    Field::Type,
    Field::PostingDate,
    Field::DocumentNo,
    Field::ExternalDocumentNo,
    Field::GenBusPostingGroup,
]);

impl LineType {
    const ALL: [LineType; 14] = [
        LineType::Purchase,
        LineType::PurchaseReceipt,
        LineType::PurchaseInvoice,
        LineType::PurchaseReturn,
        LineType::Sale,
        LineType::SalesShipment,
        LineType::SalesInvoice,
        LineType::SalesReturn,
        LineType::PositiveAdjustment,
        LineType::NegativeAdjustment,
        LineType::Transfer,
        LineType::ItemCharge,
        LineType::Revaluation,
        LineType::StandardCostChange,
    ];

    /// Same names as [`JournalLineKind::name`].
    fn name(self) -> &'static str {
        match self {
            LineType::Purchase => "purchase",
            LineType::PurchaseReceipt => "purchase_receipt",
            LineType::PurchaseInvoice => "purchase_invoice",
            LineType::PurchaseReturn => "purchase_return",
            LineType::Sale => "sale",
            LineType::SalesShipment => "sales_shipment",
            LineType::SalesInvoice => "sales_invoice",
            LineType::SalesReturn => "sales_return",
            LineType::PositiveAdjustment => "positive_adjustment",
            LineType::NegativeAdjustment => "negative_adjustment",
            LineType::Transfer => "transfer",
            LineType::ItemCharge => "item_charge",
            LineType::Revaluation => "revaluation",
            LineType::StandardCostChange => "standard_cost_change",
        }
    }

    fn from_name(name: &str) -> Option<LineType> {
        LineType::ALL.iter().copied().find(|t| t.name() == name)
    }

    /// The fields this type accepts besides [`COMMON`]; anything else must be left empty.
    fn own_fields(self) -> u32 {
        use Field::*;
        // Lines that move one physical unit may carry its serial number.
        const MOVE: u32 = field_set(&[SerialNo, Item, Location, Quantity]);
        match self {
            LineType::Purchase => MOVE | field_set(&[UnitCost, Amount]),
            LineType::PurchaseReceipt | LineType::PositiveAdjustment => MOVE | UnitCost.bit(),
            LineType::PurchaseInvoice => field_set(&[ReceiptEntryNo, Quantity, UnitCost, Amount]),
            LineType::PurchaseReturn => MOVE | field_set(&[UnitCost, AppliesToEntryNo]),
            LineType::Sale => MOVE | field_set(&[UnitPrice, AppliesToEntryNo]),
            LineType::SalesShipment => MOVE | UnitPrice.bit(),
            LineType::SalesInvoice => field_set(&[ShipmentEntryNo, Quantity, UnitPrice]),
            LineType::SalesReturn => MOVE | field_set(&[UnitPrice, AppliesFromEntryNo]),
            LineType::NegativeAdjustment => MOVE | AppliesToEntryNo.bit(),
            LineType::Transfer => field_set(&[SerialNo, Item, FromLocation, ToLocation, Quantity]),
            LineType::ItemCharge => field_set(&[ItemChargeNo, Amount, AssignToEntryNos]),
            LineType::Revaluation => field_set(&[
                Item,
                Revalue,
                Location,
                EntryNo,
                UnitCostRevalued,
                InventoryValueRevalued,
            ]),
            LineType::StandardCostChange => field_set(&[Item, NewStandardCost]),
        }
    }
}

/// Decodes one line. `source` names where it came from; `dimensions` were collected by the parser.
pub(crate) fn decode_line(
    raw: &RawLine<'_>,
    dimensions: Dimensions,
    source: LineRef,
) -> Decoded<JournalLine> {
    let line_type = line_type(raw)?;
    reject_unused_fields(raw, line_type)?;
    check_text_lengths(raw, &dimensions)?;
    let fields = Fields { raw, line_type };
    let posting_date = fields.date(Field::PostingDate)?;
    let document_no = fields.required_text(Field::DocumentNo)?;
    let kind = fields.kind()?;
    fields.check_serial_quantity()?;
    check_line_amount(&kind)?;
    Ok(JournalLine {
        source,
        posting_date,
        document_no,
        external_document_no: fields.optional_text(Field::ExternalDocumentNo),
        gen_bus_posting_group: fields.text_or_blank(Field::GenBusPostingGroup),
        serial_no: fields.optional_text(Field::SerialNo),
        dimensions,
        kind,
    })
}

/// No text field, dimension code or dimension value longer than [`MAX_TEXT_CHARS`].
fn check_text_lengths(raw: &RawLine<'_>, dimensions: &Dimensions) -> Decoded<()> {
    let too_long = |name: String, text: &str| {
        FieldError::new(
            name,
            format!(
                "has {} characters; the limit is {MAX_TEXT_CHARS} (see docs/journal.md, Limits)",
                text.chars().count()
            ),
        )
    };
    for field in Field::ALL {
        if let Some(text) = raw.get(field) {
            if text.chars().count() > MAX_TEXT_CHARS {
                return Err(too_long(field.name().to_string(), text));
            }
        }
    }
    for (code, value) in dimensions {
        if code.chars().count() > MAX_TEXT_CHARS {
            return Err(too_long(format!("dim.{}", truncated(code)), code));
        }
        if value.chars().count() > MAX_TEXT_CHARS {
            return Err(too_long(format!("dim.{code}"), value));
        }
    }
    Ok(())
}

fn truncated(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Quantity × unit cost (or unit price) of a line that gives both, and the unit cost implied by
/// an amount, within [`MAX_LINE_AMOUNT`] and [`MAX_UNIT_AMOUNT`]. The factors are at most 10^9
/// each, so the product itself cannot overflow.
fn check_line_amount(kind: &JournalLineKind) -> Decoded<()> {
    use JournalLineKind as K;
    let (quantity, unit, unit_field) = match kind {
        K::Purchase { quantity, cost, .. } | K::PurchaseInvoice { quantity, cost, .. } => {
            match cost {
                LineCost::DirectUnitCost(unit) => (*quantity, *unit, Field::UnitCost),
                LineCost::Amount(amount) => {
                    if amount / quantity > MAX_UNIT_AMOUNT {
                        return Err(FieldError::new(
                            Field::Amount.name(),
                            format!(
                                "{amount} for {quantity} units is a unit cost above \
                                 {MAX_UNIT_AMOUNT}, the limit (see docs/journal.md, Limits)"
                            ),
                        ));
                    }
                    return Ok(());
                }
            }
        }
        K::PurchaseReceipt {
            quantity,
            direct_unit_cost,
            ..
        }
        | K::PurchaseReturn {
            quantity,
            direct_unit_cost,
            ..
        } => (*quantity, *direct_unit_cost, Field::UnitCost),
        K::PositiveAdjustment {
            quantity,
            unit_cost,
            ..
        } => (*quantity, *unit_cost, Field::UnitCost),
        K::Sale {
            quantity,
            unit_price,
            ..
        }
        | K::SalesShipment {
            quantity,
            unit_price,
            ..
        }
        | K::SalesInvoice {
            quantity,
            unit_price,
            ..
        }
        | K::SalesReturn {
            quantity,
            unit_price,
            ..
        } => (*quantity, *unit_price, Field::UnitPrice),
        _ => return Ok(()),
    };
    let amount = quantity * unit;
    if amount > MAX_LINE_AMOUNT {
        return Err(FieldError::new(
            unit_field.name(),
            format!(
                "{quantity} × {unit} = {amount} is above {MAX_LINE_AMOUNT}, the largest amount \
                 of one line; split the line (see docs/journal.md, Limits)"
            ),
        ));
    }
    Ok(())
}

fn all_type_names() -> String {
    let names: Vec<&str> = LineType::ALL.iter().map(|t| t.name()).collect();
    names.join(", ")
}

fn line_type(raw: &RawLine<'_>) -> Decoded<LineType> {
    let Some(text) = raw.get(Field::Type) else {
        return Err(FieldError::new(
            Field::Type.name(),
            format!("missing; every line needs one of {}", all_type_names()),
        ));
    };
    LineType::from_name(text).ok_or_else(|| {
        FieldError::new(
            Field::Type.name(),
            format!(
                "{text:?} is not a line type; use one of {}",
                all_type_names()
            ),
        )
    })
}

fn reject_unused_fields(raw: &RawLine<'_>, line_type: LineType) -> Decoded<()> {
    let unused = raw.present() & !(COMMON | line_type.own_fields());
    if unused == 0 {
        return Ok(());
    }
    let field = Field::ALL[unused.trailing_zeros() as usize];
    let text = raw.get(field).unwrap_or_default();
    Err(FieldError::new(
        field.name(),
        format!(
            "{text:?} is not used by type `{}`; leave it empty",
            line_type.name()
        ),
    ))
}

/// Typed access to the fields of one line, with messages that name the line type.
struct Fields<'r, 'a> {
    raw: &'r RawLine<'a>,
    line_type: LineType,
}

impl Fields<'_, '_> {
    fn kind(&self) -> Decoded<JournalLineKind> {
        match self.line_type {
            LineType::Purchase => self.purchase(),
            LineType::PurchaseReceipt => self.purchase_receipt(),
            LineType::PurchaseInvoice => self.purchase_invoice(),
            LineType::PurchaseReturn => self.purchase_return(),
            LineType::Sale => self.sale(),
            LineType::SalesShipment => self.sales_shipment(),
            LineType::SalesInvoice => self.sales_invoice(),
            LineType::SalesReturn => self.sales_return(),
            LineType::PositiveAdjustment => self.positive_adjustment(),
            LineType::NegativeAdjustment => self.negative_adjustment(),
            LineType::Transfer => self.transfer(),
            LineType::ItemCharge => self.item_charge(),
            LineType::Revaluation => self.revaluation(),
            LineType::StandardCostChange => self.standard_cost_change(),
        }
    }

    fn purchase(&self) -> Decoded<JournalLineKind> {
        Ok(JournalLineKind::Purchase {
            item: self.required_text(Field::Item)?,
            location: self.text_or_blank(Field::Location),
            quantity: self.quantity()?,
            cost: self.line_cost()?,
        })
    }

    fn purchase_receipt(&self) -> Decoded<JournalLineKind> {
        Ok(JournalLineKind::PurchaseReceipt {
            item: self.required_text(Field::Item)?,
            location: self.text_or_blank(Field::Location),
            quantity: self.quantity()?,
            direct_unit_cost: self.required_money(Field::UnitCost)?,
        })
    }

    fn purchase_invoice(&self) -> Decoded<JournalLineKind> {
        Ok(JournalLineKind::PurchaseInvoice {
            receipt_entry_no: self.required_entry_no(Field::ReceiptEntryNo)?,
            quantity: self.quantity()?,
            cost: self.line_cost()?,
        })
    }

    fn purchase_return(&self) -> Decoded<JournalLineKind> {
        Ok(JournalLineKind::PurchaseReturn {
            item: self.required_text(Field::Item)?,
            location: self.text_or_blank(Field::Location),
            quantity: self.quantity()?,
            direct_unit_cost: self.required_money(Field::UnitCost)?,
            applies_to_entry_no: self.optional_entry_no(Field::AppliesToEntryNo)?,
        })
    }

    fn sale(&self) -> Decoded<JournalLineKind> {
        Ok(JournalLineKind::Sale {
            item: self.required_text(Field::Item)?,
            location: self.text_or_blank(Field::Location),
            quantity: self.quantity()?,
            unit_price: self.money_or_zero(Field::UnitPrice)?,
            applies_to_entry_no: self.optional_entry_no(Field::AppliesToEntryNo)?,
        })
    }

    fn sales_shipment(&self) -> Decoded<JournalLineKind> {
        Ok(JournalLineKind::SalesShipment {
            item: self.required_text(Field::Item)?,
            location: self.text_or_blank(Field::Location),
            quantity: self.quantity()?,
            unit_price: self.money_or_zero(Field::UnitPrice)?,
        })
    }

    fn sales_invoice(&self) -> Decoded<JournalLineKind> {
        Ok(JournalLineKind::SalesInvoice {
            shipment_entry_no: self.required_entry_no(Field::ShipmentEntryNo)?,
            quantity: self.quantity()?,
            unit_price: self.money_or_zero(Field::UnitPrice)?,
        })
    }

    fn sales_return(&self) -> Decoded<JournalLineKind> {
        Ok(JournalLineKind::SalesReturn {
            item: self.required_text(Field::Item)?,
            location: self.text_or_blank(Field::Location),
            quantity: self.quantity()?,
            unit_price: self.money_or_zero(Field::UnitPrice)?,
            applies_from_entry_no: self.optional_entry_no(Field::AppliesFromEntryNo)?,
        })
    }

    fn positive_adjustment(&self) -> Decoded<JournalLineKind> {
        Ok(JournalLineKind::PositiveAdjustment {
            item: self.required_text(Field::Item)?,
            location: self.text_or_blank(Field::Location),
            quantity: self.quantity()?,
            unit_cost: self.required_money(Field::UnitCost)?,
        })
    }

    fn negative_adjustment(&self) -> Decoded<JournalLineKind> {
        Ok(JournalLineKind::NegativeAdjustment {
            item: self.required_text(Field::Item)?,
            location: self.text_or_blank(Field::Location),
            quantity: self.quantity()?,
            applies_to_entry_no: self.optional_entry_no(Field::AppliesToEntryNo)?,
        })
    }

    fn transfer(&self) -> Decoded<JournalLineKind> {
        let item = self.required_text(Field::Item)?;
        let from_location = self.required_text(Field::FromLocation)?;
        let to_location = self.required_text(Field::ToLocation)?;
        if from_location == to_location {
            return Err(FieldError::new(
                Field::ToLocation.name(),
                format!("{to_location:?} is also the `from_location`; a transfer moves stock between two locations"),
            ));
        }
        Ok(JournalLineKind::Transfer {
            item,
            from_location,
            to_location,
            quantity: self.quantity()?,
        })
    }

    fn item_charge(&self) -> Decoded<JournalLineKind> {
        Ok(JournalLineKind::ItemCharge {
            item_charge_no: self.required_text(Field::ItemChargeNo)?,
            amount: self.required_money(Field::Amount)?,
            assign_to_entry_nos: self.entry_no_list(Field::AssignToEntryNos)?,
        })
    }

    fn revaluation(&self) -> Decoded<JournalLineKind> {
        let item = self.required_text(Field::Item)?;
        let scope = self.revaluation_scope()?;
        let target =
            match self.exactly_one(Field::UnitCostRevalued, Field::InventoryValueRevalued)? {
                (Field::UnitCostRevalued, value) => RevaluationTarget::UnitCost(value),
                (_, value) => RevaluationTarget::InventoryValue(value),
            };
        Ok(JournalLineKind::Revaluation {
            item,
            scope,
            target,
        })
    }

    fn revaluation_scope(&self) -> Decoded<RevaluationScope> {
        match self.required_text(Field::Revalue)?.as_str() {
            "item" => {
                self.forbid(Field::EntryNo, "when `revalue` is \"item\"")?;
                Ok(RevaluationScope::Item {
                    location: self.optional_text(Field::Location),
                })
            }
            "entry" => {
                self.forbid(
                    Field::Location,
                    "when `revalue` is \"entry\" (the entry has its own location)",
                )?;
                Ok(RevaluationScope::Entry {
                    entry_no: self.required_entry_no(Field::EntryNo)?,
                })
            }
            "applies_to" => {
                self.forbid(
                    Field::Location,
                    "when `revalue` is \"applies_to\" (the entry has its own location)",
                )?;
                Ok(RevaluationScope::AppliesTo {
                    entry_no: self.required_entry_no(Field::EntryNo)?,
                })
            }
            other => Err(FieldError::new(
                Field::Revalue.name(),
                format!(
                    "{other:?} is not a revaluation scope; use \"item\", \"entry\" or \"applies_to\""
                ),
            )),
        }
    }

    fn standard_cost_change(&self) -> Decoded<JournalLineKind> {
        Ok(JournalLineKind::StandardCostChange {
            item: self.required_text(Field::Item)?,
            new_standard_cost: self.required_money(Field::NewStandardCost)?,
        })
    }

    /// A serial number names one unit, so a line that carries one moves exactly one.
    fn check_serial_quantity(&self) -> Decoded<()> {
        let (Some(_), Some(quantity)) =
            (self.raw.get(Field::SerialNo), self.raw.get(Field::Quantity))
        else {
            return Ok(());
        };
        if self.decimal(Field::Quantity, quantity)? == Decimal::ONE {
            return Ok(());
        }
        Err(FieldError::new(
            Field::Quantity.name(),
            format!("{quantity:?} must be 1 when `serial_no` is given: a serial number is one unit; write one line per serial number"),
        ))
    }

    // ---- field access ----

    fn missing(&self, field: Field) -> FieldError {
        FieldError::new(
            field.name(),
            format!("missing; type `{}` requires it", self.line_type.name()),
        )
    }

    fn forbid(&self, field: Field, when: &str) -> Decoded<()> {
        match self.raw.get(field) {
            None => Ok(()),
            Some(text) => Err(FieldError::new(
                field.name(),
                format!("{text:?} is not used {when}; leave it empty"),
            )),
        }
    }

    fn required(&self, field: Field) -> Decoded<&str> {
        self.raw.get(field).ok_or_else(|| self.missing(field))
    }

    fn required_text(&self, field: Field) -> Decoded<String> {
        self.required(field).map(str::to_string)
    }

    fn optional_text(&self, field: Field) -> Option<String> {
        self.raw.get(field).map(str::to_string)
    }

    fn text_or_blank(&self, field: Field) -> String {
        self.raw.get(field).unwrap_or_default().to_string()
    }

    fn date(&self, field: Field) -> Decoded<NaiveDate> {
        let text = self.required(field)?;
        parse_date(text).ok_or_else(|| {
            FieldError::new(
                field.name(),
                format!("{text:?} is not a date; write YYYY-MM-DD, e.g. 2026-10-01"),
            )
        })
    }

    /// A number with at most [`MAX_DECIMALS`] decimals.
    fn decimal(&self, field: Field, text: &str) -> Decoded<Decimal> {
        let value = Decimal::from_str(text).map_err(|_| {
            let digits = text.bytes().filter(u8::is_ascii_digit).count();
            let message = if digits > 20 && text.bytes().all(|b| b".-+0123456789".contains(&b)) {
                format!(
                    "{text:?} is far above the largest value a journal may carry (see \
                     docs/journal.md, Limits)"
                )
            } else {
                format!("{text:?} is not a number")
            };
            FieldError::new(field.name(), message)
        })?;
        if written_decimals(text) > MAX_DECIMALS as usize {
            return Err(FieldError::new(
                field.name(),
                format!(
                    "{text:?} has more than {MAX_DECIMALS} decimals; round it to {MAX_DECIMALS} \
                     (see docs/journal.md, Limits)"
                ),
            ));
        }
        Ok(value)
    }

    fn quantity(&self) -> Decoded<Decimal> {
        let text = self.required(Field::Quantity)?;
        let quantity = self.decimal(Field::Quantity, text)?;
        if quantity <= Decimal::ZERO {
            return Err(FieldError::new(
                Field::Quantity.name(),
                format!("{text:?} must be greater than zero: quantities are positive, the type gives the direction"),
            ));
        }
        if quantity > MAX_QUANTITY {
            return Err(FieldError::new(
                Field::Quantity.name(),
                format!(
                    "{text:?} is above {MAX_QUANTITY}, the largest quantity of one line; split \
                     the line (see docs/journal.md, Limits)"
                ),
            ));
        }
        Ok(quantity)
    }

    /// A cost, price or amount: a number that is not negative and within its field's limit.
    fn money(&self, field: Field, text: &str) -> Decoded<Decimal> {
        let value = self.decimal(field, text)?;
        if value.is_sign_negative() && !value.is_zero() {
            return Err(FieldError::new(
                field.name(),
                format!("{text:?} must not be negative"),
            ));
        }
        let limit = match field {
            Field::Amount | Field::InventoryValueRevalued => MAX_LINE_AMOUNT,
            _ => MAX_UNIT_AMOUNT,
        };
        if value > limit {
            return Err(FieldError::new(
                field.name(),
                format!(
                    "{text:?} is above {limit}, the largest `{}` a line may carry (see \
                     docs/journal.md, Limits)",
                    field.name()
                ),
            ));
        }
        Ok(value)
    }

    fn required_money(&self, field: Field) -> Decoded<Decimal> {
        let text = self.required(field)?;
        self.money(field, text)
    }

    fn money_or_zero(&self, field: Field) -> Decoded<Decimal> {
        match self.raw.get(field) {
            None => Ok(Decimal::ZERO),
            Some(text) => self.money(field, text),
        }
    }

    /// Exactly one of two alternative money fields; returns which one and its value.
    fn exactly_one(&self, first: Field, second: Field) -> Decoded<(Field, Decimal)> {
        match (self.raw.get(first), self.raw.get(second)) {
            (Some(_), Some(_)) => Err(FieldError::new(
                second.name(),
                format!(
                    "give either `{}` or `{}`, not both",
                    first.name(),
                    second.name()
                ),
            )),
            (Some(text), None) => Ok((first, self.money(first, text)?)),
            (None, Some(text)) => Ok((second, self.money(second, text)?)),
            (None, None) => Err(FieldError::new(
                first.name(),
                format!(
                    "missing; type `{}` requires `{}` or `{}`",
                    self.line_type.name(),
                    first.name(),
                    second.name()
                ),
            )),
        }
    }

    fn line_cost(&self) -> Decoded<LineCost> {
        Ok(match self.exactly_one(Field::UnitCost, Field::Amount)? {
            (Field::UnitCost, value) => LineCost::DirectUnitCost(value),
            (_, value) => LineCost::Amount(value),
        })
    }

    fn required_entry_no(&self, field: Field) -> Decoded<u64> {
        let text = self.required(field)?;
        parse_entry_no(field, text)
    }

    fn optional_entry_no(&self, field: Field) -> Decoded<Option<u64>> {
        self.raw
            .get(field)
            .map(|text| parse_entry_no(field, text))
            .transpose()
    }

    /// Several entry numbers separated by `;`, each listed once.
    fn entry_no_list(&self, field: Field) -> Decoded<Vec<u64>> {
        let text = self.required(field)?;
        let mut entry_nos = Vec::new();
        for part in text.split(';') {
            let entry_no = parse_entry_no(field, part.trim())?;
            if entry_nos.contains(&entry_no) {
                return Err(FieldError::new(
                    field.name(),
                    format!("entry {entry_no} is listed twice in {text:?}"),
                ));
            }
            entry_nos.push(entry_no);
        }
        Ok(entry_nos)
    }
}

/// Item ledger entry numbers start at 1.
fn parse_entry_no(field: Field, text: &str) -> Decoded<u64> {
    let digits_only = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<u64>() {
        Ok(entry_no) if digits_only && entry_no > 0 => Ok(entry_no),
        _ => Err(FieldError::new(
            field.name(),
            format!("{text:?} is not an entry number; write a whole number from 1 up"),
        )),
    }
}

/// Strict `YYYY-MM-DD`, parsed by hand because it runs once per line on the hot path.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_match_journal_line_kind_names() {
        // decode_line builds the kind from the type, so every name must round-trip.
        for line_type in LineType::ALL {
            assert_eq!(LineType::from_name(line_type.name()), Some(line_type));
        }
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("2026-10-31"),
            NaiveDate::from_ymd_opt(2026, 10, 31)
        );
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("2026-1-01"), None);
        assert_eq!(parse_date("2026/10/01"), None);
        assert_eq!(parse_date("+026-10-01"), None);
    }

    #[test]
    fn entry_numbers_are_positive_whole_numbers() {
        assert_eq!(parse_entry_no(Field::EntryNo, "17"), Ok(17));
        assert!(parse_entry_no(Field::EntryNo, "0").is_err());
        assert!(parse_entry_no(Field::EntryNo, "+5").is_err());
        assert!(parse_entry_no(Field::EntryNo, "5.0").is_err());
        assert!(parse_entry_no(Field::EntryNo, "").is_err());
    }
}
