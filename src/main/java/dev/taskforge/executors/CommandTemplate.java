package dev.taskforge.executors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A named executor's command line, e.g. {@code claude -p --output-format stream-json -- {prompt}}.
 * Placeholders are replaced inside single arguments, never re-split and never given to a shell, so
 * a prompt full of quotes, semicolons or {@code $(...)} reaches the program as one literal argument.
 *
 * <p>An argument that begins with the prompt always follows {@code --}, the end of options, so a
 * prompt such as {@code --dangerously-skip-permissions} or {@code -x} is an operand and never an
 * option of the program: a template whose last word begins with {@code {prompt}} gets the
 * {@code --} put before it, and one where such a word is followed by more words (options after the
 * prompt, which {@code --} would turn into operands) is refused.
 */
public record CommandTemplate(List<String> words) {
  static final String PROMPT = "{prompt}";
  static final String END_OF_OPTIONS = "--";

  public CommandTemplate {
    if (words.isEmpty()) {
      throw new IllegalArgumentException("an executor command needs at least a program");
    }
    words = List.copyOf(promptAfterEndOfOptions(words));
  }

  private static List<String> promptAfterEndOfOptions(List<String> words) {
    List<String> guarded = new ArrayList<>(words.size() + 1);
    boolean optionsEnded = false;
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      if (word.startsWith(PROMPT) && !optionsEnded) {
        if (i == 0 || i < words.size() - 1) {
          throw new IllegalArgumentException("the argument " + word + " begins with the prompt but options have not"
              + " ended: put it last, or after --, so that a prompt starting with - is never read as an option");
        }
        guarded.add(END_OF_OPTIONS);
      }
      optionsEnded |= word.equals(END_OF_OPTIONS);
      guarded.add(word);
    }
    return guarded;
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
