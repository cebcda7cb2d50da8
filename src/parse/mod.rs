//! Stage 2: files to raw values. Front matter is split from Markdown bodies,
//! YAML is read into located nodes, and nodes become [`entry::RawEntry`] and
//! [`category::RawCategory`] values with every field's position. Type
//! errors, unknown and missing fields are collected, not stopped at.

pub mod category;
pub mod entry;
pub mod fields;
pub mod front_matter;
pub mod yaml;
