//! A fixed-size set of small integers (class indexes), one bit each.

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Bits {
    len: usize,
    words: Vec<u64>,
}

impl Bits {
    pub fn empty(len: usize) -> Bits {
        Bits { len, words: vec![0; len.div_ceil(64)] }
    }

    pub fn full(len: usize) -> Bits {
        let mut b = Bits { len, words: vec![u64::MAX; len.div_ceil(64)] };
        b.trim();
        b
    }

    /// The members `range.start..range.end`.
    pub fn range(len: usize, range: std::ops::Range<usize>) -> Bits {
        let mut b = Bits::empty(len);
        range.for_each(|i| b.insert(i));
        b
    }

    /// Clears the bits past `len` in the last word.
    fn trim(&mut self) {
        if self.len % 64 != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << (self.len % 64)) - 1;
            }
        }
    }

    pub fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    pub fn contains(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    pub fn and(&mut self, other: &Bits) {
        self.words.iter_mut().zip(&other.words).for_each(|(a, b)| *a &= b);
    }

    pub fn or(&mut self, other: &Bits) {
        self.words.iter_mut().zip(&other.words).for_each(|(a, b)| *a |= b);
    }

    pub fn and_not(&mut self, other: &Bits) {
        self.words.iter_mut().zip(&other.words).for_each(|(a, b)| *a &= !b);
    }

    /// The members, in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(i * 64 + bit)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Bits;

    #[test]
    fn set_operations() {
        let mut a = Bits::range(130, 60..70);
        let b = Bits::range(130, 65..129);
        let mut c = a.clone();
        c.and(&b);
        assert_eq!(c.iter().collect::<Vec<_>>(), (65..70).collect::<Vec<_>>());
        a.or(&b);
        assert_eq!(a.iter().count(), 69);
        a.and_not(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), (60..65).collect::<Vec<_>>());
        assert_eq!(Bits::full(130).iter().count(), 130);
        assert!(Bits::empty(3).is_empty() && !Bits::full(1).is_empty());
    }
}
