//! Fan-out across services and regions, paging, retries, collection errors.
