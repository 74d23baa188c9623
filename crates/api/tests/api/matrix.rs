//! Authorization matrix (filled in next).
