//! JSON Lines journals (placeholder, being written).
