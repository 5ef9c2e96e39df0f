//! One service's slots as a grid of buttons: click a free one to reserve, one of mine to
//! cancel.

use hotelband_core::{Service, Slot};
use leptos::prelude::*;

use crate::clock;
use crate::ctx::ctx;
use crate::present::{SlotLook, SlotState, table_looks, whole_range};

const UNKNOWN: SlotLook = SlotLook {
    state: SlotState::Unknown,
    pair: false,
    busy: false,
    common: false,
    avoided: false,
};

/// The slot grid of `service`, with its last refresh time and last error.
#[component]
pub(crate) fn SlotTable(service: Service) -> impl IntoView {
    let ctx = ctx();
    let board = ctx.board;
    let name = service.name();
    let window = Memo::new(move |_| board.window());
    let shown = Memo::new(move |_| {
        let window = window.get();
        if ctx.show_all.get() {
            board.view.with(|v| whole_range(v, service, window))
        } else {
            window
        }
    });
    // One snapshot per table rather than per button: hundreds of buttons read a shared Vec.
    let looks = Memo::new(move |_| {
        board
            .view
            .with(|v| table_looks(v, service, shown.get(), window.get()))
    });
    let refreshed = move || {
        board.view.with(|v| {
            let sv = &v.services[service.index()];
            match sv.free_at.max(sv.holds_at) {
                Some(at) => format!("refreshed {}", clock::wall(at)),
                None => "not read yet".to_owned(),
            }
        })
    };
    let click = move |n: u16| {
        let Some(slot) = Slot::new(n) else {
            return;
        };
        let look = looks.with_untracked(|l| l.get(usize::from(n) - 1).copied());
        match look.map(|l| l.state) {
            Some(SlotState::Free) => ctx.drive(|d| d.reserve(service, slot)),
            Some(SlotState::Mine) => ctx.drive(|d| d.cancel(service, slot)),
            _ => {}
        }
    };
    let title = match service {
        Service::Hotel => "Hotel",
        Service::Band => "Band",
    };
    view! {
        <section class="panel service" aria-labelledby=format!("{name}-title")>
            <h2 id=format!("{name}-title")>{title}</h2>
            <p class="meta" id=format!("{name}-refreshed")>{refreshed}</p>
            <p class="error" id=format!("{name}-error") role="alert">
                {move || board.errors.with(|e| e[service.index()].clone().unwrap_or_default())}
            </p>
            <div class="slots" id=format!("{name}-slots") role="group" aria-label=format!("{title} slots")>
                <For each=move || 1..=shown.get() key=|n| *n let:n>
                    {
                        let look = move || {
                            looks.with(|l| l.get(usize::from(n) - 1).copied().unwrap_or(UNKNOWN))
                        };
                        view! {
                            <button
                                type="button"
                                class=move || {
                                    let l = look();
                                    format!(
                                        "slot {}{}{}{}",
                                        l.state.name(),
                                        if l.pair { " pair" } else { "" },
                                        if l.common { " common" } else { "" },
                                        if l.avoided { " avoided" } else { "" },
                                    )
                                }
                                data-slot=n.to_string()
                                data-state=move || look().state.name()
                                data-pair=move || look().pair.then_some("true")
                                data-common=move || look().common.then_some("true")
                                data-avoided=move || look().avoided.then_some("true")
                                aria-busy=move || look().busy.then_some("true")
                                aria-label=move || {
                                    let l = look();
                                    let pair = if l.pair { ", matched pair" } else { "" };
                                    let common = if l.common { ", open at both" } else { "" };
                                    let avoided = if l.avoided { ", on the avoid list" } else { "" };
                                    format!("{title} slot {n}: {}{pair}{common}{avoided}", l.state.name())
                                }
                                on:click=move |_| click(n)
                            >
                                <span class="num">{n}</span>
                                <span class="mark">
                                    {move || look().mark()}
                                </span>
                            </button>
                        }
                    }
                </For>
            </div>
        </section>
    }
}
