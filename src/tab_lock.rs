//! One driver per account across tabs, with the Web Locks API.
//!
//! The lock is named after a hash of the account (keys and URLs), so only tabs of the same
//! account compete. The holder keeps the lock by returning a promise that resolves only when
//! it lets go; a tab that finds the lock taken queues for it, so it takes over by itself when
//! the driving tab closes. `navigator.locks` is reached through `js_sys::Reflect` because
//! web-sys gates it behind unstable APIs. Browsers without it (non-secure origins) drive
//! in every tab: there is nothing to coordinate with.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

/// This tab's part in driving the account.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum LockState {
    /// No account configured, or the lock has been asked for and not yet answered.
    Waiting,
    /// This tab sends the requests.
    Driver,
    /// Another tab of the same account is driving; this one only waits.
    Follower,
}

type Listener = Rc<dyn Fn(LockState)>;

/// The lock held (or queued for) by this tab.
#[derive(Default)]
pub(crate) struct TabLock {
    /// Bumped on every acquire/release so callbacks of an old account do nothing.
    generation: Rc<Cell<u64>>,
    /// Resolves the promise that keeps the lock held.
    holder: Rc<RefCell<Option<Function>>>,
    /// Cancels a queued request.
    queued: Rc<RefCell<Option<AbortController>>>,
}

impl TabLock {
    /// Lets go of any previous lock and asks for the one of account `tag`; `listener` hears
    /// every change of this tab's part.
    pub(crate) fn acquire(&self, tag: &str, listener: impl Fn(LockState) + 'static) {
        self.release();
        let generation = self.generation.get();
        let listener: Listener = Rc::new(listener);
        let Some((locks, request)) = lock_manager() else {
            listener(LockState::Driver);
            return;
        };
        listener(LockState::Waiting);
        let ctx = Ctx {
            generation,
            current: Rc::clone(&self.generation),
            holder: Rc::clone(&self.holder),
            queued: Rc::clone(&self.queued),
            listener,
            name: format!("{LOCK_PREFIX}{tag}"),
            locks,
            request,
        };
        ctx.ask(true);
    }

    /// Gives up the lock or the place in its queue.
    pub(crate) fn release(&self) {
        self.generation.set(self.generation.get().wrapping_add(1));
        if let Some(resolve) = self.holder.borrow_mut().take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
        if let Some(controller) = self.queued.borrow_mut().take() {
            controller.abort();
        }
    }
}

/// Without an account of its own (keys not entered in this tab: they are kept per tab unless
/// remembered) a tab cannot take part in the election, but it can still tell the user that
/// some tab of this browser is driving: `listener(true)` if any driver lock is held now.
pub(crate) fn peek(listener: impl FnOnce(bool) + 'static) {
    let Some((locks, _)) = lock_manager() else {
        return;
    };
    let query = Reflect::get(&locks, &"query".into())
        .ok()
        .and_then(|q| q.dyn_into::<Function>().ok());
    let Some(promise) = query
        .and_then(|q| q.call0(&locks).ok())
        .and_then(|p| p.dyn_into::<Promise>().ok())
    else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(snapshot) = JsFuture::from(promise).await else {
            return;
        };
        let held = Reflect::get(&snapshot, &"held".into()).unwrap_or(JsValue::UNDEFINED);
        let driving = js_sys::Array::from(&held).iter().any(|lock| {
            Reflect::get(&lock, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .is_some_and(|n| n.starts_with(LOCK_PREFIX))
        });
        listener(driving);
    });
}

/// Every driver lock's name starts with this; the rest is the account tag.
const LOCK_PREFIX: &str = "hotelband-driver-";

/// `navigator.locks` and its `request` method, if this browser has them.
fn lock_manager() -> Option<(JsValue, Function)> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = Reflect::get(&locks, &"request".into()).ok()?;
    Some((locks, request.dyn_into().ok()?))
}

#[derive(Clone)]
struct Ctx {
    generation: u64,
    current: Rc<Cell<u64>>,
    holder: Rc<RefCell<Option<Function>>>,
    queued: Rc<RefCell<Option<AbortController>>>,
    listener: Listener,
    name: String,
    locks: JsValue,
    request: Function,
}

impl Ctx {
    fn stale(&self) -> bool {
        self.current.get() != self.generation
    }

    /// `navigator.locks.request(name, options, callback)`; `try_now` asks without queueing.
    fn ask(&self, try_now: bool) {
        let options = Object::new();
        if try_now {
            let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
        } else if let Ok(controller) = AbortController::new() {
            let _ = Reflect::set(&options, &"signal".into(), &controller.signal());
            *self.queued.borrow_mut() = Some(controller);
        }
        let ctx = self.clone();
        let callback =
            Closure::once_into_js(move |lock: JsValue| -> JsValue { ctx.granted(&lock) });
        let asked =
            self.request
                .call3(&self.locks, &self.name.as_str().into(), &options, &callback);
        if let Ok(promise) = asked.and_then(JsCast::dyn_into::<Promise>) {
            // Awaiting the promise handles its rejection (an aborted queue entry), which
            // would otherwise surface as an uncaught error in the console.
            wasm_bindgen_futures::spawn_local(async move {
                let _ = JsFuture::from(promise).await;
            });
        }
    }

    /// The lock callback: `lock` is null when `ifAvailable` found it taken.
    fn granted(&self, lock: &JsValue) -> JsValue {
        if self.stale() {
            return JsValue::UNDEFINED; // returning at once releases it
        }
        if lock.is_null() {
            (self.listener)(LockState::Follower);
            self.ask(false);
            return JsValue::UNDEFINED;
        }
        self.queued.borrow_mut().take();
        let holder = Rc::clone(&self.holder);
        let kept = Promise::new(&mut |resolve, _reject| {
            *holder.borrow_mut() = Some(resolve);
        });
        (self.listener)(LockState::Driver);
        kept.into()
    }
}
