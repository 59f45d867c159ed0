import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.List;

/**
 * The local MongoDB-compatible store: mongo-java-server on 127.0.0.1.
 *
 * <p>Usage: StoreServer PORT [DATA_FILE]. With a data file the H2 backend keeps the data
 * across restarts; without one it lives in memory (test runs).
 *
 * <p>Every collection operation is synchronized, so single-document updates are atomic
 * as on MongoDB; FerretDB v1 (SQLite) loses concurrent updates, which breaks optimistic
 * version checks and the outbox relay.
 */
public class StoreServer {
    /** mongo-java-server speaks the 5.0 protocol but reports wire version 8, which
     *  PyMongo 4.14+ refuses; it is declared as 13 (MongoDB 5.0). */
    enum Reported implements MongoVersion {
        MONGO_5_0;

        @Override
        public List<Integer> getVersionArray() {
            return List.of(5, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 13;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1) {
            System.err.println("usage: StoreServer PORT [DATA_FILE]");
            System.exit(2);
        }
        MongoBackend backend = args.length > 1 ? new H2Backend(args[1]) : new MemoryBackend();
        MongoServer server = new MongoServer(backend.version(Reported.MONGO_5_0));
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
        server.bind("127.0.0.1", Integer.parseInt(args[0]));
        System.out.println("store listening on 127.0.0.1:" + args[0]);
        Thread.currentThread().join();
    }
}
