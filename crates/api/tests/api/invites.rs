//! Invite codes (filled in next).
