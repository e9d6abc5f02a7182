import { render } from 'preact';
import { App } from './app';
import { AuthSession, secondFactorOf } from './auth/session';
import { href, navigate } from './ui/router';
import './styles.css';

const auth = new AuthSession();
// A sensitive action refused with STEP_UP_REQUIRED: ask for a code, step up, and the action is retried.
auth.stepUpPrompt = async () => {
  const typed = window.prompt('Confirm with the 6-digit code of your authenticator app (or a recovery code):');
  return typed?.trim() ? secondFactorOf(typed) : null;
};
// The organisation requires 2FA of owners and admins and this one has none: to the setup.
auth.onEnrolmentRequired = () => navigate(href('settings', 'security'), true);
const root = document.getElementById('root');
if (root) render(<App auth={auth} />, root);
void auth.restore();
