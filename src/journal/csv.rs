//! CSV journals (placeholder, being written).
