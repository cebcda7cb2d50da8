//! kbgen's integration tests: the real binary on small fixture sites, one
//! module per feature (fixtures in tests/fixtures/<feature>/<case>/).

mod bench_corpus;
mod build;
mod bundled;
mod common;
mod hardening;
mod init_new;
mod lookup;
mod publishing;
mod serve;
mod theme;
mod validation;
