-- Ending a user's sessions (password change or reset, deactivation) bumps users.session_epoch. Access
-- tokens carry the epoch they were issued under and refresh tokens store it, and both are accepted
-- only while it is still the user's epoch. Unlike a cut-off time, this cannot be outrun: a refresh
-- racing a password reset mints its tokens under the old epoch (the reset is not committed yet),
-- and they die the moment the reset commits, whatever the clocks of the instances say.
ALTER TABLE public.users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;
ALTER TABLE public.refresh_tokens ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;
