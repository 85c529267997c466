//! The whole suite again, each test on its own database of a throwaway PostgreSQL cluster.

include!("suite.rs");
