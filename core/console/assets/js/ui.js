// Sign-in form, modal dialogs and the header's sign-in control.

import { h, replace } from './dom.js';
import { signIn, signOut, signedInAs, onAuthChange, setSignInPrompt } from './api.js';

// The form itself: inline (a read that needs credentials) or in the dialog (a change).
export function signInForm({ message, onDone, onCancel } = {}) {
  const user = h('input', { name: 'user', type: 'text', autocomplete: 'username', required: true, spellcheck: 'false', autocapitalize: 'off' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', {
    class: 'signin', method: 'post', action: '/console/',
    onsubmit: (e) => {
      e.preventDefault();
      signIn(user.value, password.value);
      password.value = '';
      if (onDone) onDone();
    },
  },
  h('h2', null, 'Sign in'),
  h('p', { class: 'muted' }, message || 'The API user and password of this daemon.'),
  h('label', null, h('span', null, 'User'), user),
  h('label', null, h('span', null, 'Password'), password),
  h('div', { class: 'actions' },
    onCancel ? h('button', { type: 'button', class: 'btn', onclick: onCancel }, 'Cancel') : null,
    h('button', { type: 'submit', class: 'btn primary', id: 'signin-submit' }, 'Sign in')));
  form.focusFirst = () => (user.value ? password : user).focus();
  return form;
}

function modal(build) {
  return new Promise((resolve) => {
    const dlg = h('dialog', { class: 'modal' });
    let result = false;
    const close = (value) => {
      result = value;
      dlg.close();
    };
    dlg.addEventListener('close', () => {
      dlg.remove();
      resolve(result);
    });
    const content = build(close);
    dlg.appendChild(content);
    document.body.appendChild(dlg);
    dlg.showModal();
    if (content.focusFirst) content.focusFirst();
  });
}

let pendingPrompt = null;

// Resolves true once the operator signed in, false when they cancelled.
export function askSignIn(message) {
  if (!pendingPrompt) {
    pendingPrompt = modal((close) => signInForm({ message, onDone: () => close(true), onCancel: () => close(false) }))
      .finally(() => (pendingPrompt = null));
  }
  return pendingPrompt;
}

// A confirmation in the page (no native dialog): resolves true on the OK button.
export function confirmDialog({ title, body, ok = 'OK', danger = false }) {
  return modal((close) => {
    const form = h('form', { class: 'confirm', method: 'post', action: '/console/', onsubmit: (e) => { e.preventDefault(); close(true); } },
      h('h2', null, title),
      h('div', { class: 'confirm-body' }, body),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => close(false) }, 'Cancel'),
        h('button', { type: 'submit', class: ['btn', danger ? 'danger' : 'primary'], id: 'confirm-ok' }, ok)));
    form.focusFirst = () => form.querySelector('#confirm-ok').focus();
    return form;
  });
}

// Header: "Sign in" when signed out; the user and "Sign out" when signed in.
export function authControl() {
  const el = h('div', { class: 'auth' });
  const render = () => {
    const user = signedInAs();
    if (user) {
      replace(el,
        h('span', { class: 'user', title: 'signed in' }, user),
        h('button', { type: 'button', class: 'btn small', id: 'signout', onclick: () => signOut() }, 'Sign out'));
    } else {
      replace(el, h('button', { type: 'button', class: 'btn small', id: 'signin', onclick: () => askSignIn() }, 'Sign in'));
    }
  };
  onAuthChange(render);
  render();
  return el;
}

setSignInPrompt(askSignIn);
