import { render } from 'preact';
import { App } from './app';
import { AuthSession } from './auth/session';
import './styles.css';

const auth = new AuthSession();
const root = document.getElementById('root');
if (root) render(<App auth={auth} />, root);
void auth.restore();
