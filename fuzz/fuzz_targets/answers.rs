#![no_main]

use gradient_oracle_fuzz::{AnswersCase, answers_case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|case: AnswersCase| answers_case(&case));
