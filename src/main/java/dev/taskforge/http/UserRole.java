package dev.taskforge.http;

/**
 * The PostgreSQL enum user_role. What a user may do: USER sees their own data, ADMIN sees
 * everyone's.
 */
public enum UserRole {
  USER, ADMIN
}
