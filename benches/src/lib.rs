//! Criterion benches of gradient-oracle live in `benches/`; this library is empty.
