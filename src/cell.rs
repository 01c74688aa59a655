//! The widget's shared state (`RefCell`) read and written without a panic location per
//! call site. `RefCell::borrow` and `borrow_mut` are `#[track_caller]`: each of their
//! ~190 calls here would carry its own file, line and column into the wasm for a message
//! no agent reads. `read` and `write` (named after `RwLock`'s) fail in one place instead,
//! with one sentence — a second borrow is a bug either way.

use std::cell::{Ref, RefCell, RefMut};

pub trait Borrowing<T> {
    /// Shared access, as `RefCell::borrow`.
    fn read(&self) -> Ref<'_, T>;
    /// Exclusive access, as `RefCell::borrow_mut`.
    fn write(&self) -> RefMut<'_, T>;
}

impl<T> Borrowing<T> for RefCell<T> {
    #[inline(always)]
    fn read(&self) -> Ref<'_, T> {
        match self.try_borrow() {
            Ok(r) => r,
            Err(_) => borrowed_twice(),
        }
    }

    #[inline(always)]
    fn write(&self) -> RefMut<'_, T> {
        match self.try_borrow_mut() {
            Ok(w) => w,
            Err(_) => borrowed_twice(),
        }
    }
}

#[cold]
#[inline(never)]
fn borrowed_twice() -> ! {
    panic!("crm-call-widget: a piece of state was borrowed while it was being changed")
}

#[cfg(test)]
mod tests {
    use super::Borrowing;
    use std::cell::RefCell;

    #[test]
    fn reads_share_and_a_write_is_exclusive() {
        let cell = RefCell::new(1);
        {
            let (a, b) = (cell.read(), cell.read());
            assert_eq!(*a + *b, 2);
            assert!(cell.try_borrow_mut().is_err(), "no write while read");
        }
        *cell.write() += 1;
        assert_eq!(*cell.read(), 2);
    }

    #[test]
    #[should_panic(expected = "borrowed while it was being changed")]
    fn a_read_during_a_write_is_refused() {
        let cell = RefCell::new(1);
        let _w = cell.write();
        let _ = cell.read();
    }
}
