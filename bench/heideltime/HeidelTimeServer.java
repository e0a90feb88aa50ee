/*
 * HeidelTimeServer -- a small long-lived driver around HeidelTimeStandalone for
 * tijdlijn's benchmarks (bench-only; never a runtime dependency of tijdlijn).
 *
 * One JVM, one HeidelTimeStandalone instance per (language, POS tagger) pair,
 * created lazily and reused for every document, so JVM start-up and resource
 * loading are paid once and excluded from throughput figures.
 *
 * Protocol: one JSON object per line on stdin, one JSON object per line on
 * stdout (UTF-8).  Nothing else is ever written to stdout: System.out is
 * redirected to stderr so that HeidelTime/UIMA chatter cannot corrupt it.
 *
 *   request : {"id": 1, "lang": "dutch", "pos": true, "dct": "2018-08-01",
 *              "type": "news", "text": "..."}
 *             {"id": 2, "cmd": "load", "lang": "dutch", "pos": false}
 *             {"id": 3, "cmd": "quit"}
 *   response: {"id": 1, "ok": true, "ms": 12.3, "timeml": "...",
 *              "timexes": [{"begin": 0, "end": 5, "text": "...", "type": "DATE",
 *                           "value": "2018-08", "mod": "", "tid": "t1"}]}
 *             {"id": 1, "ok": false, "error": "..."}
 *
 * "begin"/"end" in "timexes" are Unicode code-point offsets into the request
 * text (i.e. Python str offsets), taken straight from the UIMA annotations;
 * the list holds every Timex3 annotation in the CAS, which can contain
 * overlapping ones that the TimeML formatter later drops.
 *
 * Usage: java -cp heideltime.jar:BUILD HeidelTimeServer CONFIG_PROPS
 */

import de.unihd.dbs.heideltime.standalone.DocumentType;
import de.unihd.dbs.heideltime.standalone.HeidelTimeStandalone;
import de.unihd.dbs.heideltime.standalone.OutputType;
import de.unihd.dbs.heideltime.standalone.POSTagger;
import de.unihd.dbs.heideltime.standalone.components.ResultFormatter;
import de.unihd.dbs.heideltime.standalone.components.impl.TimeMLResultFormatter;
import de.unihd.dbs.uima.annotator.heideltime.resources.Language;
import de.unihd.dbs.uima.types.heideltime.Timex3;
import org.apache.uima.cas.FSIterator;
import org.apache.uima.jcas.JCas;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

public final class HeidelTimeServer {

    private final Map<String, HeidelTimeStandalone> taggers = new HashMap<>();

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: HeidelTimeServer CONFIG_PROPS [LOGLEVEL]");
            System.exit(2);
        }
        // Private handle on the real stdout; everything else goes to stderr.
        Writer out = new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8);
        System.setOut(System.err);

        Level level = Level.parse(args.length > 1 ? args[1] : "WARNING");
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        for (Handler h : root.getHandlers()) h.setLevel(level);

        HeidelTimeStandalone.readConfigFile(args[0]);

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        HeidelTimeServer server = new HeidelTimeServer();
        writeLine(out, "{\"ready\":true}");
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            String response;
            Object id = null;
            boolean quit = false;
            try {
                Map<String, Object> req = new MiniJson(line).parseObject();
                id = req.get("id");
                String cmd = str(req.get("cmd"), "tag");
                if (cmd.equals("quit")) {
                    quit = true;
                    response = "{\"id\":" + Json.value(id) + ",\"ok\":true}";
                } else if (cmd.equals("load")) {
                    long t0 = System.nanoTime();
                    server.tagger(str(req.get("lang"), "english"), bool(req.get("pos"), true),
                            str(req.get("type"), "news"));
                    response = "{\"id\":" + Json.value(id) + ",\"ok\":true,\"ms\":"
                            + ((System.nanoTime() - t0) / 1e6) + "}";
                } else if (cmd.equals("tag")) {
                    response = server.tag(id, req);
                } else {
                    throw new IllegalArgumentException("unknown cmd: " + cmd);
                }
            } catch (Throwable t) {
                response = error(id, t);
            }
            writeLine(out, response);
            if (quit) break;
        }
        out.flush();
        System.exit(0);
    }

    private static void writeLine(Writer out, String s) throws Exception {
        out.write(s);
        out.write('\n');
        out.flush();
    }

    private static String error(Object id, Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        System.err.println(sw);
        return "{\"id\":" + Json.value(id) + ",\"ok\":false,\"error\":"
                + Json.quote(t.getClass().getSimpleName() + ": " + t.getMessage()) + "}";
    }

    private static String str(Object o, String dflt) {
        return o == null ? dflt : o.toString();
    }

    private static boolean bool(Object o, boolean dflt) {
        return o instanceof Boolean ? (Boolean) o : dflt;
    }

    private HeidelTimeStandalone tagger(String lang, boolean pos, String type) {
        String key = lang.toLowerCase() + "|" + pos + "|" + type.toLowerCase();
        HeidelTimeStandalone ht = taggers.get(key);
        if (ht == null) {
            Language language = Language.getLanguageFromString(lang.toLowerCase());
            DocumentType docType = DocumentType.valueOf(type.toUpperCase());
            POSTagger tagger = pos ? POSTagger.TREETAGGER : POSTagger.NO;
            // configPath null: configuration was read once in main()
            ht = new HeidelTimeStandalone(language, docType, OutputType.TIMEML, null, tagger);
            taggers.put(key, ht);
        }
        return ht;
    }

    private String tag(Object id, Map<String, Object> req) throws Exception {
        String text = str(req.get("text"), "");
        String dctStr = str(req.get("dct"), null);
        HeidelTimeStandalone ht = tagger(str(req.get("lang"), "english"), bool(req.get("pos"), true),
                str(req.get("type"), "news"));
        Capture capture = new Capture(text);
        long t0 = System.nanoTime();
        String timeml;
        if (dctStr != null) {
            SimpleDateFormat fmt = new SimpleDateFormat("yyyy-MM-dd");
            fmt.setLenient(false);
            Date dct = fmt.parse(dctStr);
            timeml = ht.process(text, dct, capture);
        } else {
            timeml = ht.process(text, capture);
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (timeml == null || capture.error != null) {
            String msg = capture.error != null ? capture.error : "HeidelTime returned no result";
            return "{\"id\":" + Json.value(id) + ",\"ok\":false,\"ms\":" + ms + ",\"error\":" + Json.quote(msg) + "}";
        }
        StringBuilder sb = new StringBuilder(timeml.length() + 256);
        sb.append("{\"id\":").append(Json.value(id)).append(",\"ok\":true,\"ms\":").append(ms)
          .append(",\"timeml\":").append(Json.quote(timeml)).append(",\"timexes\":[");
        for (int i = 0; i < capture.timexes.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(capture.timexes.get(i));
        }
        sb.append("]}");
        return sb.toString();
    }

    /** Formatter that records the raw Timex3 annotations, then delegates to HeidelTime's TimeML formatter. */
    private static final class Capture implements ResultFormatter {
        final String text;
        final List<String> timexes = new ArrayList<>();
        String error;

        Capture(String text) {
            this.text = text;
        }

        @Override
        public String format(JCas jcas) throws Exception {
            try {
                String doc = jcas.getDocumentText();
                if (!text.equals(doc)) {
                    error = "CAS document text differs from request text";
                }
                FSIterator<?> it = jcas.getAnnotationIndex(Timex3.type).iterator();
                while (it.hasNext()) {
                    Timex3 t = (Timex3) it.next();
                    int b = t.getBegin(), e = t.getEnd();
                    int cb = doc.codePointCount(0, b);
                    int ce = cb + doc.codePointCount(b, e);
                    timexes.add("{\"begin\":" + cb + ",\"end\":" + ce
                            + ",\"text\":" + Json.quote(doc.substring(b, e))
                            + ",\"type\":" + Json.quote(t.getTimexType())
                            + ",\"value\":" + Json.quote(t.getTimexValue())
                            + ",\"mod\":" + Json.quote(t.getTimexMod())
                            + ",\"tid\":" + Json.quote(t.getTimexId()) + "}");
                }
            } catch (Exception ex) {
                error = "capture failed: " + ex;
            }
            return new TimeMLResultFormatter().format(jcas);
        }
    }

    /** JSON output helpers. */
    static final class Json {
        static String quote(String s) {
            if (s == null) return "null";
            StringBuilder sb = new StringBuilder(s.length() + 16);
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"': sb.append("\\\""); break;
                    case '\\': sb.append("\\\\"); break;
                    case '\n': sb.append("\\n"); break;
                    case '\r': sb.append("\\r"); break;
                    case '\t': sb.append("\\t"); break;
                    default:
                        if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                }
            }
            return sb.append('"').toString();
        }

        static String value(Object o) {
            if (o == null) return "null";
            if (o instanceof String) return quote((String) o);
            if (o instanceof Double) {
                double d = (Double) o;
                if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
            }
            return o.toString();
        }
    }

    /** Minimal JSON reader: enough for flat request objects (nested values are tolerated). */
    static final class MiniJson {
        private final String s;
        private int i;

        MiniJson(String s) {
            this.s = s;
        }

        Map<String, Object> parseObject() {
            skipWs();
            Object v = value();
            if (!(v instanceof Map)) throw new IllegalArgumentException("request is not a JSON object");
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) v;
            return m;
        }

        private void skipWs() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private char peek() {
            if (i >= s.length()) throw new IllegalArgumentException("unexpected end of JSON");
            return s.charAt(i);
        }

        private void expect(char c) {
            skipWs();
            if (peek() != c) throw new IllegalArgumentException("expected '" + c + "' at " + i);
            i++;
        }

        private Object value() {
            skipWs();
            char c = peek();
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                skipWs();
                if (peek() == '}') { i++; return m; }
                while (true) {
                    skipWs();
                    String k = string();
                    expect(':');
                    m.put(k, value());
                    skipWs();
                    char d = peek();
                    i++;
                    if (d == '}') return m;
                    if (d != ',') throw new IllegalArgumentException("expected ',' or '}' at " + (i - 1));
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                skipWs();
                if (peek() == ']') { i++; return l; }
                while (true) {
                    l.add(value());
                    skipWs();
                    char d = peek();
                    i++;
                    if (d == ']') return l;
                    if (d != ',') throw new IllegalArgumentException("expected ',' or ']' at " + (i - 1));
                }
            }
            if (c == '"') return string();
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            if (start == i) throw new IllegalArgumentException("bad JSON value at " + i);
            return Double.valueOf(s.substring(start, i));
        }

        private String string() {
            if (peek() != '"') throw new IllegalArgumentException("expected string at " + i);
            i++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = peek();
                i++;
                if (c == '"') return sb.toString();
                if (c != '\\') { sb.append(c); continue; }
                char e = peek();
                i++;
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u':
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default: throw new IllegalArgumentException("bad escape at " + i);
                }
            }
        }
    }
}
