//! The integration tests: one binary, a module per feature, each running the
//! real `kbgen` binary on a fixture site under tests/fixtures/<feature>/.

mod serve;
