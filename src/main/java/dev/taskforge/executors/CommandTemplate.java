package dev.taskforge.executors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A named executor's command line, e.g. {@code claude -p {prompt} --output-format stream-json}.
 * Placeholders are replaced inside single arguments, never re-split and never given to a shell, so
 * a prompt full of quotes, semicolons or {@code $(...)} reaches the program as one literal argument.
 */
public record CommandTemplate(List<String> words) {

  public CommandTemplate {
    if (words.isEmpty()) {
      throw new IllegalArgumentException("an executor command needs at least a program");
    }
    words = List.copyOf(words);
  }

  /** Splits a configured command on whitespace; double quotes group words that contain spaces. */
  public static CommandTemplate parse(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean inWord = false;
    for (char c : command.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        inWord = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unbalanced quote in executor command: " + command);
    }
    if (inWord) {
      words.add(word.toString());
    }
    return new CommandTemplate(words);
  }

  /** The program (first word). */
  public String program() {
    return words.get(0);
  }

  /** The argument vector with every {@code {name}} replaced by its value. */
  public List<String> render(Map<String, String> values) {
    List<String> argv = new ArrayList<>(words.size());
    for (String w : words) {
      String rendered = w;
      for (Map.Entry<String, String> v : values.entrySet()) {
        rendered = rendered.replace("{" + v.getKey() + "}", v.getValue());
      }
      argv.add(rendered);
    }
    return argv;
  }
}
