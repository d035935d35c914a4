import { mount } from 'svelte';
import App from './App.svelte';
import { guardBusyButtons } from './lib/busy-buttons.js';
import { Session } from './lib/session.svelte.js';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

guardBusyButtons(document);

export default mount(App, { target, props: { session: new Session() } });
