// Charkha's web UI: plain DOM, no framework, no build step.
//
// Every string that came from a feed is hostile. It reaches the page only as text: through
// h() below (text nodes), textContent or an input's value, never through innerHTML or as a URL.
// Links are built by this file from '#/' routes, so a feed cannot supply an href.
'use strict';

(() => {
  const TOKEN = document.querySelector('meta[name="charkha-token"]').content;
  // The token link (/?t=…) has set the session cookie: the token leaves the address bar, so it is
  // not in the history, a bookmark or a shared screen.
  if (new URLSearchParams(location.search).has('t')) {
    const rest = new URLSearchParams(location.search);
    rest.delete('t');
    const query = rest.toString();
    history.replaceState(history.state, '', location.pathname + (query ? '?' + query : '') + location.hash);
  }
  const main = document.getElementById('main');
  const REACTIONS = ['👍', '❤️', '😂', '🙏', '🎉'];
  const MAX_EXTRA_REACTIONS = 6; // beyond the five above, shown by count; a feed could invent thousands

  // ---- API ----------------------------------------------------------------------------------

  async function api(path, body) {
    const opts = { headers: { 'X-Charkha-Token': TOKEN }, cache: 'no-store' };
    if (body !== undefined) {
      opts.method = 'POST';
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch('/api' + path, opts);
    } catch (e) {
      throw new Error('The node is not answering. Is charkha still running?');
    }
    let data = null;
    try {
      data = await res.json();
    } catch (e) {
      // an empty or non-JSON answer: the status says enough
    }
    if (!res.ok) {
      throw new Error((data && typeof data.error === 'string') ? data.error : 'HTTP ' + res.status);
    }
    return data;
  }

  const enc = encodeURIComponent;

  // ---- DOM helpers --------------------------------------------------------------------------

  // h('a', {href: '#/x', class: 'y', onclick: fn}, 'text', child): children that are not nodes
  // become text nodes, so markup in them stays literal text.
  function h(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'class') e.className = v;
      else if (k === 'value') e.value = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined || kid === false) continue;
      e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return e;
  }

  // Like el.replaceChildren, but skips null children (the DOM would render them as "null").
  function fill(el, ...kids) {
    el.replaceChildren(...kids.flat().filter((k) => k !== null && k !== undefined && k !== false));
    return el;
  }

  // Only routes of this page become hrefs.
  function route(...parts) {
    return '#/' + parts.join('/');
  }

  function shortKey(feed) {
    return String(feed).slice(0, 8);
  }

  let idSeq = 0;
  function uid(prefix) {
    return prefix + '-' + (++idSeq);
  }

  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  function relTime(ts) {
    const s = (ts - Date.now()) / 1000;
    const a = Math.abs(s);
    if (a < 45) return 'just now';
    if (a < 3600) return rtf.format(Math.round(s / 60), 'minute');
    if (a < 86400) return rtf.format(Math.round(s / 3600), 'hour');
    if (a < 7 * 86400) return rtf.format(Math.round(s / 86400), 'day');
    return new Date(ts).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  }
  // The time is the author's claim: any integer. Past year 275760 (or as a JSON number too big to
  // be exact) a Date is invalid and toISOString() throws, so such a time shows as text.
  function timeEl(ts) {
    const d = new Date(ts);
    if (typeof ts !== 'number' || !Number.isFinite(d.getTime())) {
      return h('time', { class: 'unknown', title: 'The author gave an impossible time: ' + String(ts) }, 'unknown date');
    }
    return h('time', { datetime: d.toISOString(), title: d.toLocaleString(), 'data-ts': ts }, relTime(ts));
  }
  setInterval(() => {
    document.querySelectorAll('time[data-ts]').forEach((t) => { t.textContent = relTime(Number(t.dataset.ts)); });
  }, 30000);

  let toastTimer = null;
  function toast(message, isError) {
    const t = document.getElementById('toast');
    t.textContent = message;
    t.className = 'toast show' + (isError ? ' error' : '');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.className = 'toast'; }, isError ? 6000 : 2500);
  }

  // Runs an action from a button or form: disables it meanwhile, shows errors, refreshes the view.
  async function act(control, fn, done) {
    if (control) control.disabled = true;
    try {
      const result = await fn();
      if (done) done(result);
      refreshSoon();
      return result;
    } catch (e) {
      toast(e.message, true);
      return undefined;
    } finally {
      if (control) control.disabled = false;
    }
  }

  // Ctrl+Enter or Cmd+Enter in any text box submits its form.
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target.matches('textarea')) {
      const form = e.target.closest('form');
      if (form) {
        e.preventDefault();
        form.requestSubmit();
      }
    }
  });

  // A labelled text box with a submit button; onSubmit(value) returns a promise.
  function textForm({ label, placeholder, button, value, rows, multiline, cls, onSubmit, onCancel, hint, hideLabel }) {
    const id = uid('f');
    const input = multiline !== false
      ? h('textarea', { id, rows: rows || 3, placeholder, required: true, maxlength: 8192 })
      : h('input', { id, type: 'text', placeholder, required: true, autocomplete: 'off', spellcheck: 'false' });
    if (value) input.value = value;
    const submit = h('button', { type: 'submit', class: 'primary' }, button);
    const form = h('form', { class: 'text-form ' + (cls || '') },
      h('label', { for: id, class: hideLabel ? 'sr-only' : 'label' }, label),
      input,
      h('div', { class: 'form-row' },
        hint ? h('span', { class: 'hint' }, hint) : null,
        h('span', { class: 'spacer' }),
        onCancel ? h('button', { type: 'button', onclick: onCancel }, 'Cancel') : null,
        submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = input.value;
      if (!v.trim()) return;
      const ok = await act(submit, () => onSubmit(v));
      if (ok !== undefined && !value) input.value = '';
    });
    form.input = input;
    return form;
  }

  const KEY_HINT = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘+Enter to send' : 'Ctrl+Enter to send';

  function equivocationWarning(who) {
    return h('p', { class: 'warn', role: 'note' },
      h('strong', {}, '⚠ Equivocation: '),
      (who ? who + "'s feed" : 'This feed') + ' has published two different histories. '
        + 'Its posts may have been changed after you saw them; treat them with care.');
  }

  // ---- posts --------------------------------------------------------------------------------

  // One post or comment. opts: {inThread, onReply(card)}
  function postCard(p, opts) {
    opts = opts || {};
    const name = p.authorName || shortKey(p.feed);
    const card = h('article', { class: 'post' + (p.deleted ? ' deleted' : '') + (p.equivocation ? ' equivocal' : ''),
      'data-ref': p.ref, 'aria-label': 'Post by ' + name });
    const head = h('header', { class: 'post-head' },
      h('a', { class: 'author', href: route('profile', p.feed) }, name),
      h('span', { class: 'key', title: p.feed }, shortKey(p.feed)),
      h('span', { class: 'dot', 'aria-hidden': 'true' }, '·'),
      h('a', { class: 'when', href: route('thread', p.ref), title: 'Open the conversation' }, timeEl(p.ts)),
      p.edited && !p.deleted ? h('span', { class: 'tag' }, 'edited') : null);
    card.append(head);
    if (p.equivocation) {
      card.append(h('p', { class: 'warn compact', role: 'note' }, h('strong', {}, '⚠ Equivocating feed: '),
        name + ' published two different histories; this may not be what they first wrote.'));
    }
    if (p.onRef && !opts.inThread) {
      card.append(h('p', { class: 'context' }, '↳ replying to ', h('a', { href: route('thread', p.onRef) }, 'a post')));
    }
    const text = p.deleted
      ? h('p', { class: 'text muted' }, 'This was deleted.')
      : h('p', { class: 'text' }, p.text);
    card.append(text);
    if (p.deleted) return card;
    const history = Array.isArray(p.history) ? p.history : [];
    if (history.length > 1) {
      // Every version but the last (the text shown above), newest first.
      const earlier = history.slice(0, -1).reverse();
      card.append(h('details', { class: 'history' },
        h('summary', {}, earlier.length === 1 ? 'Edited: 1 earlier version' : 'Edited: ' + earlier.length + ' earlier versions'),
        h('ol', { class: 'versions' }, earlier.map((v) => h('li', {},
          timeEl(v.ts), h('p', { class: 'text' }, v.text))))));
    }

    const bar = h('div', { class: 'actions' });
    const counts = p.reactions || {};
    const extras = Object.keys(counts).filter((e) => !REACTIONS.includes(e))
      .sort((a, b) => counts[b] - counts[a]).slice(0, MAX_EXTRA_REACTIONS);
    const reactions = h('div', { class: 'reactions', role: 'group', 'aria-label': 'Reactions' });
    for (const emoji of REACTIONS.concat(extras)) {
      const n = counts[emoji] || 0;
      const b = h('button', { type: 'button', class: 'react' + (n ? ' has' : ''),
        'aria-label': 'React ' + emoji + (n ? ' (' + n + ' so far)' : ''), title: 'React ' + emoji },
        h('span', { class: 'emoji' }, emoji), n ? h('span', { class: 'count' }, String(n)) : null);
      b.addEventListener('click', () => act(b, () => api('/react', { on: p.ref, emoji })));
      reactions.append(b);
    }
    // Reply, edit and delete wrap to a new line together on narrow screens.
    const tools = h('span', { class: 'tools' });
    bar.append(reactions, tools);
    if (opts.onReply) {
      tools.append(h('button', { type: 'button', class: 'link', onclick: () => opts.onReply(card, p) }, 'Reply'));
    } else {
      tools.append(h('a', { class: 'replies', href: route('thread', p.ref) },
        p.replyCount === 0 ? 'Reply' : p.replyCount === 1 ? '1 reply' : p.replyCount + ' replies'));
    }
    if (p.mine) {
      const edit = h('button', { type: 'button', class: 'link' }, 'Edit');
      edit.addEventListener('click', () => {
        const form = textForm({ label: 'Edit', hideLabel: true, button: 'Save', value: p.text, cls: 'inline-form',
          hint: KEY_HINT,
          onSubmit: (v) => api('/edit', { ref: p.ref, text: v }).then((r) => { form.replaceWith(text); return r; }),
          onCancel: () => { form.replaceWith(text); edit.focus(); } });
        text.replaceWith(form);
        form.input.focus();
      });
      const del = h('button', { type: 'button', class: 'link danger' }, 'Delete');
      del.addEventListener('click', () => {
        if (window.confirm('Delete this ' + (p.onRef ? 'comment' : 'post')
          + '? Its text leaves your feed; people who already fetched it may keep a copy.')) {
          act(del, () => api('/delete', { ref: p.ref }), () => toast('Deleted.'));
        }
      });
      tools.append(edit, del);
    }
    card.append(bar);
    return card;
  }

  // One card that fails to render (some field no sane feed would send) becomes a placeholder, so
  // it never takes the rest of the list down with it.
  function safeCard(p, opts) {
    try {
      return postCard(p, opts);
    } catch (e) {
      return h('article', { class: 'post broken', 'data-ref': p && typeof p.ref === 'string' ? p.ref : null },
        h('p', { class: 'text muted' }, 'This post could not be shown.'));
    }
  }

  // When a live update re-renders a list, keyboard focus goes back to the same control of the
  // same post. Returns the function that restores it, or null when focus is elsewhere.
  function focusInList(list) {
    const active = document.activeElement;
    const card = active && active.closest ? active.closest('.post') : null;
    if (!card || !list.contains(card)) return null;
    const ref = card.dataset.ref;
    const index = Array.from(card.querySelectorAll('button, a')).indexOf(active);
    return () => {
      const again = Array.from(list.querySelectorAll('.post')).find((x) => x.dataset.ref === ref);
      const control = again ? again.querySelectorAll('button, a')[index] : null;
      if (control) control.focus({ preventScroll: true });
    };
  }

  // A list of posts with "Show more"; load(cursor, limit) returns a page.
  function postList(load, emptyMessage, label) {
    const list = h('div', { class: 'posts', role: 'feed', 'aria-label': label, 'aria-busy': 'true' });
    const more = h('button', { type: 'button', class: 'more', hidden: true }, 'Show more');
    const box = h('section', { class: 'list' }, list, more);
    let cursor = null;
    let shown = 0;
    async function page(c, limit, replace) {
      list.setAttribute('aria-busy', 'true');
      try {
        const pg = await load(c, limit);
        const focus = replace ? focusInList(list) : null;
        if (replace) list.replaceChildren();
        for (const p of pg.items) list.append(safeCard(p));
        if (focus) focus();
        shown = replace ? pg.items.length : shown + pg.items.length;
        cursor = pg.nextCursor;
        more.hidden = !cursor;
        if (!list.children.length) list.append(h('p', { class: 'empty' }, emptyMessage));
      } catch (e) {
        if (replace) fill(list, h('p', { class: 'empty error' }, e.message));
        else toast(e.message, true);
      } finally {
        list.setAttribute('aria-busy', 'false');
      }
    }
    more.addEventListener('click', () => act(more, () => page(cursor, 30, false)));
    box.refresh = () => page(null, Math.min(100, Math.max(30, shown)), true);
    return box;
  }

  // ---- views --------------------------------------------------------------------------------

  let current = null; // {refresh} of the view on screen
  let generation = 0;

  function section(title, ...kids) {
    return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, ...kids);
  }

  function followForm(onDone) {
    return textForm({
      label: 'Follow someone by pasting their link', multiline: false, button: 'Follow', cls: 'follow-form',
      placeholder: 'magnet:?xs=urn:btpk:…',
      onSubmit: (link) => api('/follow', { link: link.trim() }).then((r) => {
        toast('Following. Their posts arrive as your node finds them.');
        if (onDone) onDone(r);
        location.hash = route('profile', r.feed);
        return r;
      }),
    });
  }

  const views = {
    async home() {
      const compose = textForm({ label: 'New post', hideLabel: true, button: 'Post', rows: 3, cls: 'compose',
        placeholder: 'What is on your mind?', hint: KEY_HINT,
        onSubmit: (text) => api('/post', { text }).then((r) => { toast('Posted.'); return r; }) });
      const list = postList((c, n) => api('/timeline?limit=' + n + (c ? '&cursor=' + enc(c) : '')),
        'Nothing here yet. Write a post, or follow someone with their link (on the Me page).', 'Home timeline');
      main.append(h('h1', { class: 'sr-only' }, 'Home'), compose, list);
      await list.refresh();
      return { refresh: list.refresh };
    },

    async thread(parts) {
      const ref = parts.join('/');
      const wrap = h('div', { class: 'thread' });
      main.append(h('h1', { class: 'sr-only' }, 'Conversation'), wrap);

      function openReply(card, p) {
        const next = card.nextElementSibling;
        if (next && next.classList.contains('inline-form')) {
          next.input.focus();
          return;
        }
        const form = textForm({ label: 'Reply to ' + (p.authorName || shortKey(p.feed)), hideLabel: true,
          button: 'Reply', cls: 'inline-form', hint: KEY_HINT, rows: 2,
          onSubmit: (text) => api('/comment', { on: p.ref, text }).then((r) => { form.remove(); return r; }),
          onCancel: () => form.remove() });
        card.after(form);
        form.input.focus();
      }

      function replies(nodes) {
        const ul = h('ul', { class: 'replies-list' });
        for (const n of nodes) {
          ul.append(h('li', {}, safeCard(n.post, { inThread: true, onReply: openReply }),
            n.replies.length ? replies(n.replies) : null));
        }
        return ul;
      }

      async function load() {
        const t = await api('/thread/' + ref);
        const root = safeCard(t.root, { onReply: (card) => form.input.focus() });
        const form = textForm({ label: 'Write a reply', hideLabel: true, button: 'Reply', rows: 2, cls: 'reply-form',
          placeholder: 'Write a reply…', hint: KEY_HINT,
          onSubmit: (text) => api('/comment', { on: t.root.ref, text }) });
        const old = wrap.querySelector('.reply-form textarea');
        if (old) form.input.value = old.value; // keep a half-written reply across refreshes
        fill(wrap, root, t.root.deleted ? null : form,
          h('h2', { class: 'sr-only' }, 'Replies'),
          t.replies.length ? replies(t.replies) : h('p', { class: 'empty' }, 'No replies yet.'));
      }
      try {
        await load();
      } catch (e) {
        wrap.append(h('p', { class: 'empty error' }, e.message));
      }
      return { refresh: () => load().catch((e) => toast(e.message, true)) };
    },

    async profile(parts) {
      const feed = parts[0] || '';
      const head = h('section', { class: 'card profile' });
      const list = postList((c, n) => api('/feeds/' + enc(feed) + '/timeline?limit=' + n + (c ? '&cursor=' + enc(c) : '')),
        'No posts held from this feed yet.', 'Posts');
      main.append(head, list);

      function people(kind) {
        const box = h('div', { class: 'people' });
        api('/' + kind + '/' + enc(feed)).then((ps) => {
          fill(box, ps.length
            ? h('ul', { class: 'people-list' }, ps.map((x) => h('li', {},
              h('a', { href: route('profile', x.feed) }, x.name || shortKey(x.feed)),
              ' ', h('span', { class: 'key' }, shortKey(x.feed)))))
            : h('p', { class: 'empty' }, 'Nobody known.'));
        }).catch((e) => fill(box, h('p', { class: 'empty error' }, e.message)));
        return box;
      }

      async function load() {
        const p = await api('/profile/' + enc(feed));
        const name = p.name || shortKey(p.feed);
        const counts = h('div', { class: 'counts' });
        for (const [kind, n] of [['following', p.followingCount], ['followers', p.followerCount]]) {
          const b = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false' },
            h('strong', {}, String(n)), ' ', kind === 'following' ? 'following' : (n === 1 ? 'follower' : 'followers'));
          b.addEventListener('click', () => {
            const open = b.getAttribute('aria-expanded') === 'true';
            head.querySelectorAll('.people').forEach((x) => x.remove());
            counts.querySelectorAll('button').forEach((x) => x.setAttribute('aria-expanded', 'false'));
            if (!open) {
              b.setAttribute('aria-expanded', 'true');
              head.append(people(kind));
            }
          });
          counts.append(b);
        }
        let action = null;
        if (p.isSelf) {
          action = h('a', { class: 'button', href: route('me') }, 'Edit profile');
        } else if (p.followedByMe) {
          action = h('button', { type: 'button', class: 'follow-btn' }, 'Unfollow');
          action.addEventListener('click', () => act(action, () => api('/unfollow', { feed: p.feed }), () => toast('Unfollowed.')));
        } else {
          action = h('button', { type: 'button', class: 'primary follow-btn' }, 'Follow');
          action.addEventListener('click', () => act(action, () => api('/follow', { link: p.link }), () => toast('Following.')));
        }
        fill(head,
          h('div', { class: 'profile-top' },
            h('div', {}, h('h1', {}, name), h('p', { class: 'key', title: p.feed }, p.feed)),
            action),
          p.equivocation ? equivocationWarning(name) : null,
          p.bio ? h('p', { class: 'bio' }, p.bio) : null,
          counts);
      }
      try {
        await load();
      } catch (e) {
        fill(head, h('p', { class: 'empty error' }, e.message));
        list.remove();
        return null;
      }
      await list.refresh();
      return { refresh: () => { load().catch((e) => toast(e.message, true)); list.refresh(); } };
    },

    async me() {
      const self = await api('/self');
      const linkId = uid('link');
      const link = h('input', { id: linkId, type: 'text', readonly: true, value: self.link, class: 'mono', spellcheck: 'false' });
      const copy = h('button', { type: 'button', class: 'primary' }, 'Copy link');
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(self.link);
        } catch (e) {
          link.select();
          document.execCommand('copy');
        }
        toast('Link copied.');
      });
      const qr = h('img', { class: 'qr', src: '/api/qr.svg?token=' + enc(TOKEN), width: 200, height: 200,
        alt: 'QR code of your follow link' });
      const nameId = uid('name');
      const bioId = uid('bio');
      const name = h('input', { id: nameId, type: 'text', value: self.name || '', maxlength: 100, autocomplete: 'nickname' });
      const bio = h('textarea', { id: bioId, rows: 3, maxlength: 2000 });
      bio.value = self.bio || '';
      const save = h('button', { type: 'submit', class: 'primary' }, 'Save profile');
      const profileForm = h('form', { class: 'text-form' },
        h('label', { for: nameId, class: 'label' }, 'Name'), name,
        h('label', { for: bioId, class: 'label' }, 'About you'), bio,
        h('div', { class: 'form-row' }, h('span', { class: 'spacer' }), save));
      profileForm.addEventListener('submit', (e) => {
        e.preventDefault();
        act(save, () => api('/profile', { name: name.value, bio: bio.value }), () => toast('Profile saved.'));
      });
      main.append(
        h('h1', {}, 'You'),
        section('Your link',
          h('p', { class: 'muted' }, 'Give this link to people so they can follow you. Anyone with it can read your feed.'),
          h('div', { class: 'link-row' }, h('label', { for: linkId, class: 'sr-only' }, 'Your follow link'), link, copy),
          h('div', { class: 'qr-wrap' }, qr),
          h('p', {}, h('a', { href: route('profile', self.feed) }, 'See your profile as others do →'))),
        section('Follow someone', followForm()),
        section('Profile', profileForm));
      return null; // nothing live here: a refresh would overwrite what is being typed
    },

    async search(parts, params) {
      const q = params.get('q') || '';
      const id = uid('q');
      const input = h('input', { id, type: 'search', name: 'q', value: q, placeholder: 'Words in posts, comments and profiles',
        maxlength: 256, autocomplete: 'off' });
      const form = h('form', { role: 'search', class: 'search-form' },
        h('label', { for: id, class: 'sr-only' }, 'Search posts'), input,
        h('button', { type: 'submit', class: 'primary' }, 'Search'));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const v = input.value.trim();
        if (v) location.hash = '#/search?q=' + enc(v);
      });
      const results = h('div', { class: 'posts', role: 'feed', 'aria-label': 'Search results' });
      main.append(h('h1', {}, 'Search'), form, results);
      if (!q.trim()) {
        input.focus();
        return null;
      }
      async function load() {
        try {
          const found = await api('/search?q=' + enc(q) + '&limit=50');
          const n = found.posts.length + found.people.length;
          fill(results, h('p', { class: 'muted', role: 'status' }, n === 1 ? '1 result' : n + ' results'),
            found.people.length ? h('section', { class: 'card people-results' }, h('h2', {}, 'People'),
              h('ul', { class: 'people-list' }, found.people.map((x) => h('li', {},
                h('a', { href: route('profile', x.feed) }, x.name || shortKey(x.feed)),
                ' ', h('span', { class: 'key' }, shortKey(x.feed)),
                x.bio ? h('p', { class: 'bio muted' }, x.bio) : null)))) : null,
            found.posts.length && found.people.length ? h('h2', {}, 'Posts') : null,
            ...found.posts.map((p) => safeCard(p)));
        } catch (e) {
          fill(results, h('p', { class: 'empty error' }, e.message));
        }
      }
      await load();
      return { refresh: load };
    },

    async status() {
      const box = h('div', {});
      main.append(h('h1', {}, 'Status'), box);
      async function load() {
        const s = await api('/status');
        const rows = s.feeds.map((f) => h('tr', { class: f.equivocation || f.rejected ? 'problem' : '' },
          h('th', { scope: 'row' }, h('a', { href: route('profile', f.feed) }, f.name || shortKey(f.feed)),
            h('div', { class: 'key' }, shortKey(f.feed))),
          h('td', { 'data-label': 'State' }, f.state),
          // knownSeq -1: no version of the feed has been found yet (its record is being looked up).
          h('td', { 'data-label': 'Held / newest' }, f.knownSeq < 0
            ? (f.heldSeq < 0 ? 'resolving' : f.heldSeq + ' / resolving') : f.heldSeq + ' / ' + f.knownSeq),
          h('td', { 'data-label': 'Behind' }, f.knownSeq < 0 ? 'resolving'
            : f.lag ? f.lag + (f.lag === 1 ? ' version' : ' versions') : 'current'),
          // progress is null until the torrent's metadata says how many pieces there are
          h('td', { 'data-label': 'Progress' }, f.progress === null
            ? [h('progress', { max: 1, 'aria-label': 'Fetching metadata' }), ' fetching metadata']
            : [h('progress', { max: 1, value: f.progress, 'aria-label': 'Progress ' + Math.round(f.progress * 100) + '%' }),
              ' ' + Math.round(f.progress * 100) + '%']),
          h('td', { 'data-label': 'Problems' },
            f.equivocation ? h('strong', { class: 'bad' }, '⚠ equivocation') : null,
            f.rejected ? h('div', { class: 'bad' }, 'rejected: ', f.rejected) : null,
            f.ignored ? h('div', { class: 'muted', title: 'last from ' + f.ignored.lastFrom + ' at '
                + new Date(f.ignored.lastAtMillis).toLocaleString() + ': ' + f.ignored.lastReason },
              'ignored: ' + f.ignored.badSignature + ' bad signature, ' + f.ignored.notNewer + ' not newer') : null,
            !f.equivocation && !f.rejected && !f.ignored ? h('span', { class: 'muted' }, 'none') : null)));
        fill(box,
          h('div', { class: 'stats' },
            h('div', { class: 'stat' }, h('strong', {}, String(s.dhtNodes)), h('span', {}, 'DHT nodes')),
            h('div', { class: 'stat' }, h('strong', {}, String(s.peers)), h('span', {}, 'peers')),
            h('div', { class: 'stat' }, h('strong', {}, String(s.feeds.length)), h('span', {}, 'feeds followed'))),
          s.feeds.some((f) => f.equivocation)
            ? h('p', { class: 'warn' }, h('strong', {}, '⚠ '), 'A feed you follow has published two different histories. See the marked rows.')
            : null,
          s.feeds.length
            ? h('table', { class: 'status-table' },
              h('caption', { class: 'sr-only' }, 'Followed feeds'),
              h('thead', {}, h('tr', {}, ['Feed', 'State', 'Held / newest', 'Behind', 'Progress', 'Problems']
                .map((c) => h('th', { scope: 'col' }, c)))),
              h('tbody', {}, rows))
            : h('p', { class: 'empty' }, 'You follow nobody yet.'));
      }
      try {
        await load();
      } catch (e) {
        box.append(h('p', { class: 'empty error' }, e.message));
      }
      const poll = setInterval(() => { if (current === view) load().catch(() => {}); else clearInterval(poll); }, 10000);
      const view = { refresh: () => load().catch((e) => toast(e.message, true)) };
      return view;
    },
  };

  async function render() {
    const gen = ++generation;
    const hash = location.hash || '#/home';
    const q = hash.indexOf('?');
    const path = hash.slice(1, q < 0 ? undefined : q);
    const params = new URLSearchParams(q < 0 ? '' : hash.slice(q + 1));
    const parts = path.split('/').filter(Boolean).map((s) => { try { return decodeURIComponent(s); } catch (e) { return s; } });
    const name = Object.prototype.hasOwnProperty.call(views, parts[0]) ? parts[0] : 'home';
    document.querySelectorAll('[data-nav]').forEach((a) => {
      if (a.dataset.nav === name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    document.title = 'Charkha · ' + name.charAt(0).toUpperCase() + name.slice(1);
    current = null;
    main.replaceChildren();
    main.setAttribute('aria-busy', 'true');
    try {
      const v = await views[name](parts.slice(1), params);
      if (gen === generation) current = v;
    } catch (e) {
      if (gen === generation) main.append(h('p', { class: 'empty error' }, e.message));
    } finally {
      if (gen === generation) main.setAttribute('aria-busy', 'false');
    }
  }

  // ---- live updates -------------------------------------------------------------------------

  // The server says "change"; the view on screen reloads its data in place. While the owner is
  // writing in an inline box (edit, reply) the reload waits, so nothing they typed is lost.
  let refreshTimer = null;
  function refreshSoon(delay) {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      if (!current || !current.refresh) return;
      if (main.querySelector('.inline-form')) {
        refreshSoon(1500);
        return;
      }
      current.refresh();
    }, delay === undefined ? 120 : delay);
  }

  // EventSource retries by itself after a dropped connection, but gives up for good after an
  // answer that is not 200 (a 503, a restarting node): then this opens a new one, waiting longer
  // each time (2 s doubling to a minute), and refreshes the view once it is back.
  function connectEvents() {
    const label = h('span', { class: 'live-label' }, 'connecting');
    const dot = h('span', { class: 'live', title: 'Connecting to your node…' }, label);
    document.querySelector('.nav').append(dot);
    let wasOpen = false;
    let backoff = 2000;
    function connect() {
      const es = new EventSource('/api/events?token=' + enc(TOKEN));
      es.addEventListener('change', () => refreshSoon());
      es.addEventListener('open', () => {
        dot.className = 'live on';
        label.textContent = 'live';
        dot.title = 'Updates arrive as they happen';
        backoff = 2000;
        if (wasOpen) refreshSoon(); // missed changes while disconnected
        wasOpen = true;
      });
      es.addEventListener('error', () => {
        dot.className = 'live off';
        label.textContent = 'offline';
        dot.title = 'Lost the connection to your node; retrying';
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          setTimeout(connect, backoff);
          backoff = Math.min(60000, backoff * 2);
          wasOpen = true; // whatever happened meanwhile is fetched on reconnect
        }
      });
    }
    connect();
  }

  window.addEventListener('hashchange', () => {
    // Keyboard and screen-reader users land on the new content, unless the view focused a field.
    render().then(() => { if (!main.contains(document.activeElement)) main.focus({ preventScroll: true }); });
    window.scrollTo(0, 0);
  });
  connectEvents();
  render();
})();
