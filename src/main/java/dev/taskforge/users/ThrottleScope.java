package dev.taskforge.users;

/** The PostgreSQL enum throttle_scope. What a login throttle counts: one client address, or one email. */
public enum ThrottleScope {
  IP, ACCOUNT
}
