//! Account rules (being written): the account roles the G/L posting asks for.
pub mod role;
pub use role::{AccountRole, RoleSide};
