#![no_main]

use gradient_oracle_fuzz::{ChainCase, chain_case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|case: ChainCase| chain_case(&case));
