//! Backup and restore on both backends.
