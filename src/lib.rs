//! kbgen turns a folder of troubleshooting entries into a static site.
//!
//! The pipeline, one module per stage:
//! [`load`] reads `content/` → [`parse`] turns files into raw values →
//! [`model`] validates them into a [`model::Kb`] → [`render`] produces every
//! output file in memory → [`write`] puts them on disk atomically.
//! [`lookup`] ranks entries for pasted error text; [`serve`] keeps the site
//! in memory and rebuilds what a change affects; [`cli`] and [`cmd`] wire it
//! to the command line.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod error;
pub mod load;
pub mod lookup;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod serve;
pub mod source;
pub mod write;
