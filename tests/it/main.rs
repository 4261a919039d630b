//! The integration tests: one binary, one tiny fixture site per behaviour.
//!
//! `tests/fixtures/base/` is a complete small site; each case overlays a few files on a
//! copy of it (see [`Fixture`]). Bad-input cases live in `tests/fixtures/bad/<case>/` with
//! the diagnostics they must print in `expected.txt`.

mod bad_input;
mod build;
mod check;
mod commands;
mod example_site;
mod feeds;
mod fixture;
mod interrupt;
mod newsroom;
mod output_safety;
mod serve;
mod snapshots;
