//! Connection sets interned as small ids, with memoised union and intersection: a large
//! cluster holds millions of pair cells but only a few distinct connection sets.

use std::collections::HashMap;

use super::connset::ConnSet;

pub type ConnId = u32;

/// The id of the empty set.
pub const NONE: ConnId = 0;
/// The id of all connections.
pub const ALL: ConnId = 1;

#[derive(Clone, Debug)]
pub struct ConnTable {
    sets: Vec<ConnSet>,
    ids: HashMap<ConnSet, ConnId>,
    unions: HashMap<(ConnId, ConnId), ConnId>,
    intersections: HashMap<(ConnId, ConnId), ConnId>,
}

impl Default for ConnTable {
    fn default() -> Self {
        let mut t = ConnTable {
            sets: Vec::new(),
            ids: HashMap::new(),
            unions: HashMap::new(),
            intersections: HashMap::new(),
        };
        assert_eq!(t.intern(ConnSet::none()), NONE);
        assert_eq!(t.intern(ConnSet::all()), ALL);
        t
    }
}

impl ConnTable {
    pub fn intern(&mut self, set: ConnSet) -> ConnId {
        if let Some(&id) = self.ids.get(&set) {
            return id;
        }
        let id = self.sets.len() as ConnId;
        self.sets.push(set.clone());
        self.ids.insert(set, id);
        id
    }

    pub fn get(&self, id: ConnId) -> &ConnSet {
        &self.sets[id as usize]
    }

    /// The id of `set` if it is interned here.
    pub fn find(&self, set: &ConnSet) -> Option<ConnId> {
        self.ids.get(set).copied()
    }

    pub fn len(&self) -> usize {
        self.sets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    pub fn union(&mut self, a: ConnId, b: ConnId) -> ConnId {
        match (a, b) {
            _ if a == b => a,
            (NONE, x) | (x, NONE) => x,
            (ALL, _) | (_, ALL) => ALL,
            _ => {
                let key = (a.min(b), a.max(b));
                if let Some(&id) = self.unions.get(&key) {
                    return id;
                }
                let id = self.intern(self.get(a).union(self.get(b)));
                self.unions.insert(key, id);
                id
            }
        }
    }

    pub fn intersect(&mut self, a: ConnId, b: ConnId) -> ConnId {
        match (a, b) {
            _ if a == b => a,
            (NONE, _) | (_, NONE) => NONE,
            (ALL, x) | (x, ALL) => x,
            _ => {
                let key = (a.min(b), a.max(b));
                if let Some(&id) = self.intersections.get(&key) {
                    return id;
                }
                let id = self.intern(self.get(a).intersect(self.get(b)));
                self.intersections.insert(key, id);
                id
            }
        }
    }
}
