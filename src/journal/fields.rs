//! The field catalogue shared by the CSV and JSON Lines encodings.
//!
//! Both encodings carry the same named fields; each parser only finds the raw text of every field
//! on a line and fills a [`RawLine`]. Turning that text into a [`super::JournalLine`] is the job of
//! [`super::decode`], so the two formats cannot drift apart.

/// A named field of a journal line (a CSV column or a JSON key). Dimensions are not listed here:
/// they are open-ended (`dim.CODE` columns, the `dimensions` object).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Type,
    PostingDate,
    DocumentNo,
    ExternalDocumentNo,
    GenBusPostingGroup,
    SerialNo,
    Item,
    Location,
    Quantity,
    UnitCost,
    Amount,
    UnitPrice,
    ReceiptEntryNo,
    ShipmentEntryNo,
    AppliesToEntryNo,
    AppliesFromEntryNo,
    FromLocation,
    ToLocation,
    ItemChargeNo,
    AssignToEntryNos,
    Revalue,
    EntryNo,
    UnitCostRevalued,
    InventoryValueRevalued,
    NewStandardCost,
}

/// What kind of text a field holds; JSON Lines uses it to decide which JSON types it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldKind {
    Text,
    Date,
    Decimal,
    EntryNo,
    EntryNoList,
}

impl Field {
    /// Every field, in the order errors about several fields are reported.
    pub(crate) const ALL: [Field; 25] = [
        Field::Type,
        Field::PostingDate,
        Field::DocumentNo,
        Field::ExternalDocumentNo,
        Field::GenBusPostingGroup,
        Field::SerialNo,
        Field::Item,
        Field::Location,
        Field::Quantity,
        Field::UnitCost,
        Field::Amount,
        Field::UnitPrice,
        Field::ReceiptEntryNo,
        Field::ShipmentEntryNo,
        Field::AppliesToEntryNo,
        Field::AppliesFromEntryNo,
        Field::FromLocation,
        Field::ToLocation,
        Field::ItemChargeNo,
        Field::AssignToEntryNos,
        Field::Revalue,
        Field::EntryNo,
        Field::UnitCostRevalued,
        Field::InventoryValueRevalued,
        Field::NewStandardCost,
    ];

    pub(crate) const COUNT: usize = Field::ALL.len();

    /// The column / key name used in files and messages.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Field::Type => "type",
            Field::PostingDate => "posting_date",
            Field::DocumentNo => "document_no",
            Field::ExternalDocumentNo => "external_document_no",
            Field::GenBusPostingGroup => "gen_bus_posting_group",
            Field::SerialNo => "serial_no",
            Field::Item => "item",
            Field::Location => "location",
            Field::Quantity => "quantity",
            Field::UnitCost => "unit_cost",
            Field::Amount => "amount",
            Field::UnitPrice => "unit_price",
            Field::ReceiptEntryNo => "receipt_entry_no",
            Field::ShipmentEntryNo => "shipment_entry_no",
            Field::AppliesToEntryNo => "applies_to_entry_no",
            Field::AppliesFromEntryNo => "applies_from_entry_no",
            Field::FromLocation => "from_location",
            Field::ToLocation => "to_location",
            Field::ItemChargeNo => "item_charge_no",
            Field::AssignToEntryNos => "assign_to_entry_nos",
            Field::Revalue => "revalue",
            Field::EntryNo => "entry_no",
            Field::UnitCostRevalued => "unit_cost_revalued",
            Field::InventoryValueRevalued => "inventory_value_revalued",
            Field::NewStandardCost => "new_standard_cost",
        }
    }

    pub(crate) const fn kind(self) -> FieldKind {
        match self {
            Field::PostingDate => FieldKind::Date,
            Field::Quantity
            | Field::UnitCost
            | Field::Amount
            | Field::UnitPrice
            | Field::UnitCostRevalued
            | Field::InventoryValueRevalued
            | Field::NewStandardCost => FieldKind::Decimal,
            Field::ReceiptEntryNo
            | Field::ShipmentEntryNo
            | Field::AppliesToEntryNo
            | Field::AppliesFromEntryNo
            | Field::EntryNo => FieldKind::EntryNo,
            Field::AssignToEntryNos => FieldKind::EntryNoList,
            _ => FieldKind::Text,
        }
    }

    /// The field with this column / key name, if any.
    pub(crate) fn from_name(name: &str) -> Option<Field> {
        Field::ALL
            .iter()
            .copied()
            .find(|field| field.name() == name)
    }

    pub(crate) const fn bit(self) -> u32 {
        1 << self as u32
    }
}

/// A set of fields as a bit mask (25 fields fit in a `u32`).
pub(crate) const fn field_set(fields: &[Field]) -> u32 {
    let mut mask = 0;
    let mut i = 0;
    while i < fields.len() {
        mask |= fields[i].bit();
        i += 1;
    }
    mask
}

/// The raw text of every field found on one line, trimmed; empty text counts as absent.
///
/// It borrows from the parser's record buffer, so filling it allocates nothing.
#[derive(Debug, Default)]
pub(crate) struct RawLine<'a> {
    values: [Option<&'a str>; Field::COUNT],
    present: u32,
}

impl<'a> RawLine<'a> {
    /// Records the text of `field`; blank text leaves the field absent.
    pub(crate) fn set(&mut self, field: Field, text: &'a str) {
        let text = text.trim();
        if !text.is_empty() {
            self.values[field as usize] = Some(text);
            self.present |= field.bit();
        }
    }

    pub(crate) fn get(&self, field: Field) -> Option<&'a str> {
        self.values[field as usize]
    }

    /// The set of fields that hold a value.
    pub(crate) fn present(&self) -> u32 {
        self.present
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.present == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_all_is_in_declaration_order() {
        for (i, field) in Field::ALL.iter().enumerate() {
            assert_eq!(*field as usize, i);
            assert_eq!(Field::from_name(field.name()), Some(*field));
        }
        assert_eq!(Field::from_name("qty"), None);
    }
}
