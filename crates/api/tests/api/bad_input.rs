//! Bad input (filled in next).
