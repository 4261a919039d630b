//! Hash maps and sets with a faster hasher than the standard library's SipHash.
//!
//! A build looks up hundreds of thousands of keys (signer ids, page paths, link targets).
//! aHash keeps the standard maps' protection against crafted collisions (its keys are
//! random per process) at a fraction of SipHash's cost.

/// A `HashMap` with aHash.
pub type HashMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;

/// A `HashSet` with aHash.
pub type HashSet<T> = std::collections::HashSet<T, ahash::RandomState>;
