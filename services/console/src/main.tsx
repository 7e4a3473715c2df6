import { render } from 'preact';
import { Root } from './app/Root';
import { readConfig } from './config';
import './styles/app.css';

// Composition root: configuration from the page's own URL, then the app.
const config = readConfig(window.location);
const mount = document.getElementById('app') ?? document.body;
render(<Root config={config} />, mount);
