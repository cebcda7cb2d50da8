mod compiled;
mod injections;
mod pattern_set;
mod raw;
mod regex;

pub use compiled::*;
pub use injections::InjectionPrecedence;
pub use pattern_set::{PatternSet, PatternSetMatch};
pub use raw::RawGrammar;
pub use regex::{Regex, resolve_backreferences};
